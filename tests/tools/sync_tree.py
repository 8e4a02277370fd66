"""Mirror the collection's files into a real directory for ansible-test.

ansible-test refuses a symlinked collection path, so it runs in a copy. The copy holds
exactly what git would hold (tracked plus untracked-but-not-ignored files), so local
clutter (.venv, .tmp, caches) never reaches the sanity tests.

Usage: sync_tree.py SOURCE DEST
"""

import os
import shutil
import subprocess
import sys

# Left alone in the copy: ansible-test's output, and the copy's own git repository.
KEEP = ("tests/output", ".git")


def wanted_files(source):
    """Relative paths git considers part of the tree, that exist on disk."""
    out = subprocess.run(
        ["git", "-C", source, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True, stdout=subprocess.PIPE,
    ).stdout.decode()
    # Tracked files deleted in the working tree are still listed by git: skip them.
    return {p for p in out.split("\0") if p and os.path.lexists(os.path.join(source, p))}


def sync(source, dest):
    files = wanted_files(source)
    os.makedirs(dest, exist_ok=True)

    # Remove what is no longer part of the tree.
    for root, dirs, names in os.walk(dest, topdown=True):
        rel_root = os.path.relpath(root, dest)
        rel_root = "" if rel_root == "." else rel_root
        dirs[:] = [d for d in dirs if os.path.join(rel_root, d) not in KEEP]
        for name in names:
            rel = os.path.join(rel_root, name)
            if rel not in files:
                os.unlink(os.path.join(root, name))

    # Copy new and changed files (size or mtime differs).
    copied = 0
    for rel in sorted(files):
        src, dst = os.path.join(source, rel), os.path.join(dest, rel)
        st = os.lstat(src)
        try:
            dt = os.lstat(dst)
            if dt.st_size == st.st_size and dt.st_mtime_ns == st.st_mtime_ns:
                continue
        except FileNotFoundError:
            pass
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.lexists(dst):
            os.unlink(dst)
        shutil.copy2(src, dst, follow_symlinks=False)
        copied += 1

    # Drop directories left empty by removals.
    for root, dirs, names in os.walk(dest, topdown=False):
        rel_root = os.path.relpath(root, dest)
        if root != dest and not os.listdir(root) and not rel_root.startswith(KEEP):
            os.rmdir(root)

    # ansible-test takes the nearest enclosing .git as the file list; without its own it would
    # find the working tree's repository, where .tmp/ is ignored, and skip every test.
    if not os.path.exists(os.path.join(dest, ".git")):
        subprocess.run(["git", "init", "--quiet", dest], check=True)

    print("sync_tree: %d files in %s (%d copied)" % (len(files), dest, copied))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sync(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]))
