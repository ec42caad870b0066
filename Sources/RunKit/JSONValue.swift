import Foundation

/// A small JSON value for configs, metrics lines and --json output (keys kept sorted).
public enum JSONValue: Equatable, Sendable {
    case string(String), number(Double), bool(Bool), array([JSONValue]), object([String: JSONValue]), null

    public init(_ s: String) { self = .string(s) }
    public init(_ x: Double) { self = .number(x) }
    public init(_ x: Float) { self = .number(Double(x)) }
    public init(_ i: Int) { self = .number(Double(i)) }

    public var double: Double? { if case let .number(x) = self { return x }; return nil }
    public var int: Int? { double.flatMap { Int(exactly: $0.rounded()) } }
    public var string: String? { if case let .string(s) = self { return s }; return nil }
    public var array: [JSONValue]? { if case let .array(a) = self { return a }; return nil }
    public var bool: Bool? {
        switch self {
        case let .bool(b): return b
        case let .number(x): return x != 0
        default: return nil
        }
    }

    public func serialized(pretty: Bool = false) -> String {
        let data = try! JSONSerialization.data(withJSONObject: foundation, options: pretty ? [.sortedKeys, .prettyPrinted, .fragmentsAllowed] : [.sortedKeys, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    var foundation: Any {
        switch self {
        case let .string(s): return s
        case let .number(x):
            guard x.isFinite else { return NSNull() }       // JSON has no NaN or infinity
            return x == x.rounded() && Swift.abs(x) < 1e15 ? Int(x) as Any : x as Any
        case let .bool(b): return b
        case let .array(a): return a.map(\.foundation)
        case let .object(o): return o.mapValues(\.foundation)
        case .null: return NSNull()
        }
    }

    public static func parse(_ data: Data) throws -> JSONValue {
        convert(try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    static func convert(_ any: Any) -> JSONValue {
        switch any {
        case let s as String: return .string(s)
        // JSON's true and false arrive as NSNumbers of type char ("c"); numbers as "q" or "d".
        case let n as NSNumber: return String(cString: n.objCType) == "c" ? .bool(n.boolValue) : .number(n.doubleValue)
        case let a as [Any]: return .array(a.map(convert))
        case let o as [String: Any]: return .object(o.mapValues(convert))
        default: return .null
        }
    }
}

extension JSONValue {
    private static let nonFinite = "\u{1}non-finite\u{1}"

    /// Any Encodable as a JSON value, keys in snake_case; NaN and infinities become null.
    public init<E: Encodable>(encoding value: E) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: Self.nonFinite, negativeInfinity: Self.nonFinite, nan: Self.nonFinite)
        self = try JSONValue.parse(encoder.encode(value)).replacingNonFinite()
    }

    private func replacingNonFinite() -> JSONValue {
        switch self {
        case .string(Self.nonFinite): return .null
        case let .array(a): return .array(a.map { $0.replacingNonFinite() })
        case let .object(o): return .object(o.mapValues { $0.replacingNonFinite() })
        default: return self
        }
    }
}
