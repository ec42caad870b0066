/// The Free Spoken Digit Dataset's file names, `{digit}_{speaker}_{index}.wav`
/// (e.g. `7_jackson_32.wav`). The digit becomes its English word, the class name that
/// `audio-tagger collect` gives its folders, so real and synthetic clips mix.
public struct SpokenDigitName: Equatable, Sendable {
    public var digit: Int
    public var speaker: String
    public var index: Int

    public static let words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

    public var word: String { Self.words[digit] }

    /// nil unless `name` (a file name, any folder before it ignored) has that shape with a
    /// digit 0-9, a non-empty speaker and a number.
    public init?(_ name: String) {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        guard let dot = base.lastIndex(of: ".") else { return nil }
        let parts = base[..<dot].split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 1, let d = Int(parts[0]), (0...9).contains(d),
              !parts[1].isEmpty, let i = Int(parts[2]), i >= 0 else { return nil }
        digit = d; speaker = String(parts[1]); index = i
    }
}
