import Foundation
import Require

/// A Kit's settings error as the command line says it: config keys become flags
/// (`batch_size` -> `--batch-size`), one line, no usage text after it.
public func flagged<R>(_ body: () throws -> R) throws -> R {
    do { return try body() } catch let e as SettingsError {
        throw CommandLineError(e.message { "--" + $0.replacingOccurrences(of: "_", with: "-") })
    }
}

/// An error the command line prints as its one line (ArgumentParser adds usage to ValidationError
/// only, which belongs to checks of the arguments alone, in `validate()`).
public struct CommandLineError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
