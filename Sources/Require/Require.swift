/// An argument check that stays in every build: `precondition` is compiled out under
/// -Ounchecked (which a user's build may choose), this is not. A programmer's mistake (shapes,
/// indices, counts) stops the process with its message in every build; only the condition is
/// evaluated when it holds, once per call of an op, never in an inner loop.
@inline(__always)
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                    file: StaticString = #fileID, line: UInt = #line) {
    if _slowPath(!condition()) { fatalError(message(), file: file, line: line) }
}
