// The job page follows its job: it asks the API for the job's state every second and
// reloads itself once the job has finished, to show the result and the downloads. Its
// cancel button asks first (the form posts without script too).
(function () {
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") return;
  var cancel = document.getElementById("job-cancel");
  if (cancel) {
    cancel.addEventListener("submit", function (event) {
      if (!window.confirm(cancel.dataset.confirm)) event.preventDefault();
    });
  }
  var bar = document.getElementById("job-progress");
  var count = document.getElementById("job-count");
  var status = document.getElementById("job-status");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        status.textContent = job.status_display;
        count.textContent = job.done + (job.total ? " / " + job.total : "");
        if (job.total) { bar.max = job.total; bar.value = job.done; }
        if (job.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
