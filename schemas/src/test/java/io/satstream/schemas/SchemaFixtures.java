package io.satstream.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Fully populated records for round-trip tests. */
final class SchemaFixtures {
    private SchemaFixtures() {}

    static GeoReference georef() {
        return GeoReference.newBuilder()
                .setEpsg(32616)
                .setGeoTransform(List.of(733601.0, 0.5, 0.0, 3725139.0, 0.0, -0.5))
                .setXyz(new XyzAddress(18, 68000, 105000))
                .build();
    }

    static TilePlacement placement() {
        return new TilePlacement(1, 2, 448, 224, 900, 900, 32);
    }

    static Tile tile() {
        byte[] pixels = new byte[4 * 4 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        return Tile.newBuilder()
                .setTileId("scene-1/r1c2")
                .setSceneId("scene-1")
                .setSource("files:/data")
                .setAcquiredAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setIngestedAt(Instant.ofEpochMilli(1_700_000_100_000L))
                .setWidth(4)
                .setHeight(4)
                .setBands(List.of("red", "green", "blue"))
                .setDataType(DataType.UINT8)
                .setPixels(ByteBuffer.wrap(pixels))
                .setNodata(0.0)
                .setGeoref(georef())
                .setPlacement(placement())
                .setLabelMask(ByteBuffer.wrap(new byte[16]))
                .setLabelClasses(List.of("water", "building"))
                .setAttributes(Map.of("stac:item", "20170831_172754_101c"))
                .build();
    }

    static Segmentation segmentation() {
        return Segmentation.newBuilder()
                .setTileId("scene-1/r1c2")
                .setSceneId("scene-1")
                .setSource("files:/data")
                .setModelName("unet")
                .setModelVersion(7)
                .setRuntime("onnxruntime")
                .setClassNames(List.of("water", "building"))
                .setWidth(4)
                .setHeight(4)
                .setMask(ByteBuffer.wrap(new byte[] {0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1}))
                .setClassPixelCounts(List.of(9L, 7L))
                .setMeanConfidence(0.83f)
                .setGeoref(georef())
                .setPlacement(placement())
                .setTimings(new Timings(Instant.ofEpochMilli(1_700_000_100_000L),
                        Instant.ofEpochMilli(1_700_000_100_250L), 120L, 9_000L, 8))
                .build();
    }

    static ModelEvent modelEvent() {
        return ModelEvent.newBuilder()
                .setModelName("unet")
                .setVersion(7)
                .setType(ModelEventType.PROMOTED)
                .setUri("file:/tmp/models/unet/7")
                .setSha256("ab".repeat(32))
                .setObjective("sop")
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setMessage("promoted by test")
                .setFiles(java.util.Map.of("model.onnx", "ab".repeat(32), "manifest-extra.json", "cd".repeat(32)))
                .setInputSpec(new ModelInputSpec(List.of("red", "green", "blue"), 256, 255f,
                        List.of(0.485f, 0.456f, 0.406f), List.of(0.229f, 0.224f, 0.225f)))
                .setClassNames(List.of("water", "building"))
                .setPublisher("satstream-cli")
                .build();
    }
}
