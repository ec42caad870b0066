import Foundation

/// A training's hold on its run folder for the run's life: an exclusive lock on `<run>/.lock`
/// (flock), released when this is released or the process ends, even by kill -9. A second
/// training on the same folder is refused instead of mixing two runs.
public final class RunLock {
    private let fd: Int32

    public init(_ run: RunFolder) throws {
        let path = run.file(".lock")
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AppError.cannotWrite(path, String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw AppError.badInput(run.path, "another training is using this run folder")
        }
    }

    deinit { close(fd) }
}
