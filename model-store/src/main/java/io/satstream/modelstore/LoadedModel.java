package io.satstream.modelstore;

import java.nio.file.Path;

/** A verified model version: its manifest, the ONNX bytes whose sha256 matched, and its directory. */
public record LoadedModel(ModelManifest manifest, byte[] onnx, Path dir) {
}
