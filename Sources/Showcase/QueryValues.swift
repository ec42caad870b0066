import Foundation
import Hummingbird

/// A request's query parameters, read with a type, a default and a range; a value of the wrong
/// type or out of range is a 400 naming the parameter.
struct QueryValues {
    let parameters: Parameters

    init(_ request: Request) { parameters = request.uri.queryParameters }

    func string(_ name: String) -> String? { parameters[name[...]].map(String.init) }

    func float(_ name: String, default value: Float, in range: ClosedRange<Float>) throws -> Float {
        guard let text = string(name) else { return value }
        guard let v = Float(text), v.isFinite, range.contains(v) else {
            throw APIError(.badRequest, "\(name)=\(text.prefix(40)): must be a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    func int(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = string(name) else { return value }
        guard let v = Int(text), range.contains(v) else {
            throw APIError(.badRequest, "\(name)=\(text.prefix(40)): must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    func bool(_ name: String, default value: Bool) throws -> Bool {
        guard let text = string(name) else { return value }
        switch text.lowercased() {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: throw APIError(.badRequest, "\(name)=\(text.prefix(40)): must be 1 or 0")
        }
    }
}

/// A field of a JSON body checked against its range; out of range is a 400 naming the field.
func checked<T: Comparable>(_ value: T, _ name: String, in range: ClosedRange<T>) throws -> T {
    guard range.contains(value) else { throw APIError(.badRequest, "\(name) \(value): must be in \(range.lowerBound)...\(range.upperBound)") }
    return value
}

func checked(_ value: Float, _ name: String, in range: ClosedRange<Float>) throws -> Float {
    guard value.isFinite, range.contains(value) else { throw APIError(.badRequest, "\(name) \(value): must be a number in \(range.lowerBound)...\(range.upperBound)") }
    return value
}
