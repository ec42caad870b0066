import ArgumentParser
import RunKit

/// A Kit's settings error as the command line says it: config keys become flags
/// (`batch_size` -> `--batch-size`).
public func flagged<R>(_ body: () throws -> R) throws -> R {
    do { return try body() } catch let e as SettingsError {
        throw ValidationError(e.message { "--" + $0.replacingOccurrences(of: "_", with: "-") })
    }
}
