def test_tree_paths(tree):
    assert tree.grassroots.path.startswith(tree.county.path)
    assert not tree.sibling_grassroots.path.startswith(tree.county.path)
