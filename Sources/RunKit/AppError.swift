/// What a user of a program can get wrong: each prints as one line naming the thing and the problem.
public enum AppError: Error, CustomStringConvertible, Equatable {
    case badInput(String, String)
    case cannotWrite(String, String)
    case training(String)

    public var description: String {
        switch self {
        case let .badInput(what, why): return "\(what): \(why)"
        case let .cannotWrite(what, why): return "\(what): cannot write: \(why)"
        case let .training(why): return "training stopped: \(why)"
        }
    }
}
