"""The write lock cannot be held by anyone who merely can read the index folder."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest
from faultlib import SEEDS, run_cli

from msqa_search import IndexWriteError, build_index, open_index, read_threads

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
STRANGER = 12345
SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin:/bin")

# Run as another user: open the lock file read-only and try to take the lock with it.
GRAB = """
import fcntl, os, sys
try:
    fd = os.open(sys.argv[1], os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except OSError as e:
    print(type(e).__name__)
else:
    print("locked")
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


class TestLockFile:
    """The lock file is private to its owner and must be a plain file of ours."""

    def test_new_lock_file_is_private(self, seed_index):
        """After a write, write.lock is mode 0600 even under a permissive umask."""
        old = os.umask(0o002)
        try:
            with open_index(seed_index) as index:
                index.update([])
        finally:
            os.umask(old)
        assert mode(seed_index / "write.lock") == 0o600

    def test_an_old_readable_lock_file_is_tightened(self, seed_index):
        """A 0644 lock file left by an older version becomes 0600 at the next write."""
        (seed_index / "write.lock").chmod(0o644)
        build_index(read_threads([SEEDS]), seed_index).close()
        assert mode(seed_index / "write.lock") == 0o600

    @pytest.mark.parametrize("kind", ["symbolic link", "named pipe", "folder"])
    def test_a_lock_file_that_is_not_a_file_is_refused(self, seed_index, tmp_path, kind):
        """A symlink, FIFO or folder at write.lock: one-line IndexWriteError, nothing hangs or follows it."""
        lock = seed_index / "write.lock"
        lock.unlink(missing_ok=True)
        target = tmp_path / "elsewhere"
        if kind == "symbolic link":
            lock.symlink_to(target)
        elif kind == "named pipe":
            os.mkfifo(lock)
        else:
            lock.mkdir()
        with pytest.raises(IndexWriteError) as caught:
            build_index(read_threads([SEEDS]), seed_index, lock_timeout=1)
        assert "its lock file" in str(caught.value)
        assert not target.exists()
        result = run_cli("index", "--index", seed_index, SEEDS, timeout=60)
        assert result.returncode == 2
        assert result.stderr.startswith("Error: cannot write the index at ") and result.stderr.count("\n") == 1

    @pytest.mark.skipif(not IS_ROOT or SYSTEM_PYTHON is None, reason="needs root to act as another user")
    def test_another_user_cannot_hold_the_lock(self):
        """Another local user who can read the index folder cannot open write.lock to lock it."""
        shared = Path(tempfile.mkdtemp(prefix="msqa-lock-"))
        try:
            shared.chmod(0o755)
            build_index(read_threads([SEEDS]), shared / "index").close()
            for path in (shared / "index", *(shared / "index").iterdir()):
                assert not mode(path) & 0o002
            result = subprocess.run([SYSTEM_PYTHON, "-I", "-c", GRAB, str(shared / "index" / "write.lock")],
                                    user=STRANGER, group=STRANGER, capture_output=True, text=True, timeout=30,
                                    cwd="/")
            assert (result.stdout.strip(), result.returncode) == ("PermissionError", 0), result.stderr
        finally:
            shutil.rmtree(shared, ignore_errors=True)

    @pytest.mark.skipif(not IS_ROOT, reason="only root can give a file to another user")
    def test_a_lock_file_of_another_user_is_refused(self, seed_index, monkeypatch):
        """As a normal user, a write.lock owned by someone else is refused, not used."""
        lock = seed_index / "write.lock"
        lock.touch()
        os.chown(lock, STRANGER, STRANGER)
        monkeypatch.setattr(os, "geteuid", lambda: 1000)  # act as an ordinary user
        with pytest.raises(IndexWriteError) as caught:
            build_index(read_threads([SEEDS]), seed_index, lock_timeout=1)
        assert "belongs to another user" in str(caught.value)
