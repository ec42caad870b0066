import ArgumentParser
import Foundation
import Datasets
import RunKit
import CLI
import CharRNNKit

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "An HTML page of a text coloured by the activations of the model's most interesting cells.")

    @Option(name: [.customLong("text"), .customLong("file")], help: "UTF-8 text file (as --text of train and evaluate; --file is the same).") var file: String?
    @Option(help: "The text itself, given on the command line.") var string: String?
    @OptionGroup var modelOption: ModelOption
    @Option(parsing: .unconditional, help: "Cells to show.") var cells: Int = 8
    @Option(parsing: .unconditional, help: "Use at most this many characters of the text.") var limit: Int = 3000
    @Option(help: "HTML file to write.") var out: String
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (string == nil) != (file == nil) else { throw ValidationError("give a text file with --text FILE or the text itself with --string TEXT (one of them)") }
        guard cells >= 1, limit >= 2 else { throw ValidationError("--cells must be positive and --limit at least 2") }
    }

    func run() throws {
        try common.apply()
        let m = try modelOption.load()
        var scalars = try file.map(TextFile.read) ?? Array(string!.unicodeScalars)
        guard scalars.count >= 2 else { throw AppError.badInput(file ?? "--string", "needs at least two characters") }
        scalars = Array(scalars.prefix(limit))
        let acts = CellActivations(model: m, text: scalars)
        let picked = acts.pickCells(count: cells)
        let title = "What the cells of the \(m.network.cell.rawValue.uppercased()) \(m.network.layers)x\(m.network.hidden) model see"
        try RunFolder.atomicWrite(out, Data(acts.html(cells: picked, title: title).utf8))
        for c in picked { print("layer \(c.layer) cell \(c.index): \(c.reason)") }
        print("wrote \(out)")
    }
}
