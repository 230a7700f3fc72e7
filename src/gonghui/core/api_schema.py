"""The OpenAPI schema tells the truth about errors too (issue 13, finding 12).

Every operation can answer with the error format of api_errors.py: 400 for bad input,
401/403 for a missing or insufficient sign-in, 404 for a record outside the caller's
scope, 415 for a body in the wrong format, 429 when throttled. drf-spectacular documents
only the success answer; this hook adds the error answers, so a client (and the schema
fuzzing of the tests) can rely on the documented codes.
"""

ERROR = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "field": {"type": "string", "nullable": True},
        "message": {"type": "string"},
    },
    "required": ["code", "field", "message"],
}
ERRORS = {
    "oneOf": [
        {"$ref": "#/components/schemas/Error"},
        {"type": "array", "items": {"$ref": "#/components/schemas/Error"}},
    ]
}
DESCRIPTIONS = {
    "400": "Bad input: each error names its field.",
    "401": "Not signed in.",
    "403": "Signed in, but the role may not do this.",
    "404": "No such record in the caller's scope (named in the path, query or body).",
    "415": "The body is not in a format this operation takes.",
    "429": "Too many requests from this address.",
}


def error_codes(path, operation):
    # 404 everywhere: a record named in the path, the query or the body (a transfer's
    # membership, an applicant's reference) may not exist in the caller's scope.
    codes = ["400", "401", "403", "404", "429"]
    if "requestBody" in operation:
        codes.append("415")  # a body in another format than the operation takes
    return codes


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    result["components"]["schemas"]["Errors"] = ERRORS
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code in error_codes(path, operation):
                responses.setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}
                        },
                    },
                )
    return result
