import NeuralCore
import Models

/// Generator and discriminator as one module, so one checkpoint holds both
/// (`generator.fc.weight`, ..., `discriminator.conv1.weight`, ...).
public final class GANPair: Module {
    public let generator: DCGANGenerator
    public let discriminator: DCGANDiscriminator

    public init(generator: DCGANGenerator, discriminator: DCGANDiscriminator) {
        self.generator = generator; self.discriminator = discriminator
    }

    public var children: [(String, any Module)] { [("generator", generator), ("discriminator", discriminator)] }
}
