import Foundation
import NeuralCore

// Runs one misuse of the library, named by the first argument, so that a test can check that it
// stops the process with a clear message (a precondition) instead of going on.
let cases: [String: () -> Void] = [
    "backward-twice": {
        let x = Tensor(shape: [3], scalars: [1, 2, 3]).requiringGrad()
        let y = (x.exp() * x).sum()
        y.backward()
        y.backward()
    },
    "backward-nonscalar": {
        let x = Tensor(shape: [3], scalars: [1, 2, 3]).requiringGrad()
        (x * x).backward()
    },
]
guard CommandLine.arguments.count == 2, let run = cases[CommandLine.arguments[1]] else {
    FileHandle.standardError.write(Data("usage: misuse-probe \(cases.keys.sorted().joined(separator: "|"))\n".utf8))
    exit(2)
}
run()
print("no check stopped it")
