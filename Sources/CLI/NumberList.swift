import ArgumentParser

/// A comma list of numbers given to a flag ("0,0.05,0.1"; a denoiser's "--sigma-range 0,55"),
/// each in `range`; a bad item is refused naming the flag and the item.
public func numberList(_ text: String, flag: String, in range: ClosedRange<Float>) throws -> [Float] {
    let values = try text.split(separator: ",").map { item -> Float in
        guard let v = Float(item.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
            throw ValidationError("\(flag): '\(item)' is not a number in [\(range.lowerBound), \(range.upperBound)]")
        }
        return v
    }
    guard !values.isEmpty else { throw ValidationError("\(flag) needs at least one value") }
    return values
}
