/// A setting out of its range, named by its config.json key: the command line shows it as a
/// flag (`--batch-size`), a server as a field of the request.
public struct SettingsError: Error, Equatable, CustomStringConvertible {
    /// Keys in snake_case, e.g. ["epochs", "batch_size"].
    public let fields: [String]
    /// What is wrong, e.g. "must be positive".
    public let problem: String

    public init(_ fields: [String], _ problem: String) { self.fields = fields; self.problem = problem }

    /// The fields as `name` spells each, joined as in a sentence ("a, b and c").
    public func message(naming name: (String) -> String = { $0 }) -> String {
        let names = fields.map(name)
        let list = names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
        return "\(list) \(problem)"
    }

    public var description: String { message() }
}
