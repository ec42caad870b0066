import Foundation
import NeuralCore
import Models

/// What the hidden cells of a char-RNN do along a text ("Visualizing and Understanding Recurrent
/// Networks", Karpathy, Johnson and Fei-Fei 2015): every cell's activation at every character,
/// cells picked by how well they follow simple properties of the text, and an HTML page of the
/// text coloured by them.
public struct CellActivations {
    /// One picked cell: layer, index, why it was picked, and its activation per character.
    public struct Cell {
        public let layer: Int, index: Int
        public let reason: String
        public let values: [Float]
    }

    public let text: [Unicode.Scalar]
    /// (characters, layers·H): tanh(c) of an LSTM, h of a GRU, after reading each character.
    public let values: [Float]
    public let layers: Int, hidden: Int

    /// Runs the model over the text one character at a time (batch 1, state carried).
    public init(model: CharRNNModel, text: [Unicode.Scalar]) {
        let net = model.network
        self.text = text; layers = net.layers; hidden = net.hidden
        let ids = model.vocabulary.encode(text).ids
        var out = [Float](); out.reserveCapacity(ids.count * net.layers * net.hidden)
        inference {
            var state: CharRNN.State? = nil
            for id in ids {
                state = net([id], batch: 1, steps: 1, state: state).state
                if let c = state?.c { out += c.scalars.map { Foundation.tanh($0) } } else { out += state!.h.scalars }
            }
        }
        values = out
    }

    func column(_ j: Int) -> [Float] {
        let w = layers * hidden
        return (0..<text.count).map { values[$0 * w + j] }
    }

    /// Per-character properties of the text that cells are known to track.
    static func features(_ text: [Unicode.Scalar]) -> [(String, [Float])] {
        var linePos = [Float](), quote = [Float](), paren = [Float](), word = [Float](), speaker = [Float]()
        var pos = 0, inQuote = false, depth = 0
        // Lines that name a speaker: upper-case letters (and spaces, dots, apostrophes) ending in ':'.
        var speakerLine = [Bool](repeating: false, count: text.count)
        var start = 0
        for i in 0...text.count where i == text.count || text[i] == "\n" {
            let line = text[start..<i]
            let isName = line.count >= 2 && line.last == ":" && line.dropLast().contains { $0.properties.isUppercase }
                && line.dropLast().allSatisfy { $0.properties.isUppercase || $0 == " " || $0 == "." || $0 == "'" }
            if isName { for j in start..<i { speakerLine[j] = true } }
            start = i + 1
        }
        for (i, c) in text.enumerated() {
            if c == "\"" { inQuote.toggle() }
            if c == "(" || c == "[" || c == "{" { depth += 1 }
            linePos.append(Float(pos)); quote.append(inQuote ? 1 : 0); paren.append(depth > 0 ? 1 : 0)
            word.append(c.properties.isAlphabetic ? 1 : 0); speaker.append(speakerLine[i] ? 1 : 0)
            if c == ")" || c == "]" || c == "}" { depth = max(0, depth - 1) }
            pos = c == "\n" ? 0 : pos + 1
        }
        return [("position in the line", linePos), ("inside quotes", quote), ("inside brackets", paren),
                ("inside a word", word), ("speaker-name line", speaker)]
    }

    static func correlation(_ a: [Float], _ b: [Float]) -> Double {
        let n = Double(a.count)
        guard n > 1 else { return 0 }
        let ma = a.reduce(0.0) { $0 + Double($1) } / n, mb = b.reduce(0.0) { $0 + Double($1) } / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            let x = Double(a[i]) - ma, y = Double(b[i]) - mb
            sab += x * y; saa += x * x; sbb += y * y
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
    }

    /// For each text property that varies, the cell that follows it best (|correlation|), then
    /// the most variable remaining cells, up to `count` cells.
    public func pickCells(count: Int = 8) -> [Cell] {
        let w = layers * hidden
        let columns = (0..<w).map(column)
        var picked: [Cell] = [], used = Set<Int>()
        for (name, f) in Self.features(text) where Set(f).count > 1 && picked.count < count {
            let scores = columns.map { Self.correlation($0, f) }
            guard let j = (0..<w).filter({ !used.contains($0) }).max(by: { abs(scores[$0]) < abs(scores[$1]) }) else { break }
            used.insert(j)
            picked.append(Cell(layer: j / hidden + 1, index: j % hidden, reason: String(format: "follows %@ (r = %+.2f)", name, scores[j]), values: columns[j]))
        }
        let variance = columns.map { c -> Double in
            let m = c.reduce(0.0) { $0 + Double($1) } / Double(max(c.count, 1))
            return c.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / Double(max(c.count, 1))
        }
        for j in (0..<w).sorted(by: { variance[$0] > variance[$1] }) where picked.count < count && !used.contains(j) {
            used.insert(j)
            picked.append(Cell(layer: j / hidden + 1, index: j % hidden, reason: String(format: "among the most variable (sd %.2f)", variance[j].squareRoot()), values: columns[j]))
        }
        return picked
    }

    /// The page: per picked cell, the text with each character's background from blue (-1)
    /// through white (0) to red (+1); hovering shows the value.
    public func html(cells: [Cell], title: String) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var out = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>\(esc(title))</title>
        <style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}
        pre{font-family:monospace;font-size:13px;line-height:1.45;white-space:pre-wrap;border:1px solid #ddd;padding:.6em}
        span{border-radius:2px} .nl{color:#aaa}</style></head><body>
        <h1>\(esc(title))</h1>
        <p>Each character is coloured by one hidden cell's activation after reading it: blue -1, white 0, red +1.
        Cells were picked automatically: the one that best follows each property of the text, then the most variable.</p>

        """
        for c in cells {
            out += "<h2>layer \(c.layer), cell \(c.index): \(esc(c.reason))</h2>\n<pre>"
            for (i, ch) in text.enumerated() {
                let v = max(-1, min(1, c.values[i]))
                let rgb = v >= 0 ? (214, 39, 40) : (31, 119, 180)
                let shown = ch == "\n" ? "<span class=\"nl\">↵</span>\n" : esc(String(ch))
                out += String(format: "<span style=\"background:rgba(%d,%d,%d,%.2f)\" title=\"%+.3f\">", rgb.0, rgb.1, rgb.2, abs(v), c.values[i]) + shown + "</span>"
            }
            out += "</pre>\n"
        }
        return out + "</body></html>\n"
    }
}
