import Foundation
import RunKit

/// Ctrl-C (SIGINT) and SIGTERM during training: the first one only raises a flag that the
/// training loop checks after each step (it saves a checkpoint and stops cleanly); a second one
/// ends the process at once (every file is written atomically, so nothing is left half-written).
public struct Interrupt: Cancellation {
    /// Installs the handlers; the result reports whether one has fired.
    public static func installed() -> Interrupt { install(); return Interrupt() }
    public var isCancelled: Bool { Self.requested }

    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    public static var requested: Bool { flag != 0 }

    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { sig in
            Interrupt.flag = 1
            signal(sig, SIG_DFL)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }
}
