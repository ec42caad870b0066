import Foundation
import RunKit

/// Results on stdout: one JSON object per line (`--json`; keys in snake_case, NaN as null), or
/// the text a person reads.
public enum ResultOutput {
    public static func json<E: Encodable>(_ value: E) throws {
        print(try JSONValue(encoding: value).serialized())
    }

    /// `text` normally; the JSON of `value` with --json.
    public static func emit<E: Encodable>(_ value: E, json: Bool, text: @autoclosure () -> String) throws {
        if json { try Self.json(value) } else { print(text()) }
    }
}
