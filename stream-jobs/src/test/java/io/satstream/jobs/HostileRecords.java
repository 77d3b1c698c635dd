package io.satstream.jobs;

import io.satstream.raster.PngBytes;
import io.satstream.raster.TiffBytes;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.DataType;
import io.satstream.schemas.LyingLengths;
import io.satstream.schemas.Tile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * Records a hostile or broken producer could write to {@code tiles}, generated from a seed so that a failing
 * run reproduces: random bytes, truncated and bit-flipped Avro, wrong fingerprints, length fields that lie,
 * PNG/JPEG/TIFF headers that lie and a decompression bomb, impossible dimensions, band counts that disagree
 * with the bytes, NaN/Inf and out-of-range samples, null values, binary and oversized keys, undecodable
 * headers — interleaved with good tiles. Each record says what the job must do with it.
 */
public final class HostileRecords {

    /** What the job must do with a record. */
    public enum Expect {
        /** Segmented, once, under its tile id. */
        SEGMENTED,
        /** In {@code tiles-dlq}, once, with a reason. */
        DLQ,
        /** One of the two, once: a flipped bit may land in a pixel and leave a valid tile. */
        EITHER
    }

    /**
     * @param stage the DLQ stage it must have, or null when any stage is right (for {@link Expect#DLQ})
     */
    public record Crafted(String kind, byte[] key, byte[] value, byte[] sourceHeader, Expect expect, String stage) {}

    /** How many of each kind {@link #generate} makes; 11,002 records the job must refuse, 1,000 either way. */
    public static final Map<String, Integer> PLAN = Map.ofEntries(
            Map.entry("random-bytes", 2500), Map.entry("truncated-avro", 2000), Map.entry("wrong-fingerprint", 500),
            Map.entry("lying-length", 2000), Map.entry("impossible-dimensions", 600),
            Map.entry("bands-disagree-with-bytes", 600), Map.entry("png-lying-header", 500),
            Map.entry("png-bomb", 2), Map.entry("jpeg-lying-header", 300), Map.entry("jpeg-truncated", 300),
            Map.entry("tiff-lying", 400), Map.entry("null-value", 300), Map.entry("binary-key", 300),
            Map.entry("oversized-key", 200), Map.entry("uint16-out-of-range", 200),
            Map.entry("float-out-of-range", 200), Map.entry("raw-image-binary-source-header", 100),
            Map.entry("bit-flipped-avro", 1000),
            Map.entry("good", 300), Map.entry("good-keyless", 50), Map.entry("good-empty-key", 50),
            Map.entry("float-all-nan", 100), Map.entry("float-speckled-nan-inf", 100));

    private final Random rnd;
    private final byte[] jpeg;
    private String prefix = "";

    /** @param jpeg a real JPEG to cut and lie about */
    public HostileRecords(long seed, byte[] jpeg) {
        this.rnd = new Random(seed);
        this.jpeg = jpeg;
    }

    /** Every record of {@link #PLAN}, shuffled with the seed. */
    public List<Crafted> generate() {
        return generate("");
    }

    /** Every record of {@link #PLAN}, shuffled with the seed, every key and tile id starting with {@code prefix}. */
    public List<Crafted> generate(String prefix) {
        this.prefix = prefix;
        List<Crafted> out = new ArrayList<>();
        for (String kind : PLAN.keySet().stream().sorted().toList()) {
            IntFunction<Crafted> maker = maker(kind);
            for (int i = 0; i < PLAN.get(kind); i++) {
                out.add(maker.apply(i));
            }
        }
        Collections.shuffle(out, rnd);
        return out;
    }

    private IntFunction<Crafted> maker(String kind) {
        String name = prefix + kind;
        return switch (kind) {
            case "random-bytes" -> i -> dlq(kind, prefix + "rnd-" + i, randomBytes(rnd.nextInt(4097)), "decode");
            case "truncated-avro" -> i -> {
                byte[] whole = avro(tile(name + "-" + i, 16));
                return dlq(kind, name + "-" + i, java.util.Arrays.copyOf(whole, rnd.nextInt(whole.length)), "decode");
            };
            case "bit-flipped-avro" -> i -> {
                byte[] bytes = avro(tile(name + "-" + i, 16));
                for (int f = 1 + rnd.nextInt(3); f > 0; f--) {
                    int bit = rnd.nextInt(bytes.length * 8);
                    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                return new Crafted(kind, utf8(name + "-" + i), bytes, null, Expect.EITHER, null);
            };
            case "wrong-fingerprint" -> i -> {
                byte[] bytes = avro(tile(name + "-" + i, 16));
                for (int b = 2; b < 10; b++) {
                    bytes[b] = (byte) rnd.nextInt(256);
                }
                return dlq(kind, name + "-" + i, bytes, "decode");
            };
            case "lying-length" -> i -> dlq(kind, name + "-" + i, lyingLength(name + "-" + i), "decode");
            case "impossible-dimensions" -> i -> {
                int[] sizes = {0, -1, -70000, 4097, 100_000, 46_341, Integer.MAX_VALUE};
                Tile t = tile(name + "-" + i, 16);
                t.setWidth(sizes[rnd.nextInt(sizes.length)]);
                t.setHeight(rnd.nextBoolean() ? t.getWidth() : sizes[rnd.nextInt(sizes.length)]);
                return dlq(kind, name + "-" + i, avro(t), "validate");
            };
            case "bands-disagree-with-bytes" -> i -> {
                Tile t = tile(name + "-" + i, 16);
                if (rnd.nextBoolean()) {
                    List<String> names = List.of("red", "green", "blue", "nir", "swir", "red", "green");
                    int n = new int[] {1, 2, 4, 5, 7}[rnd.nextInt(5)];
                    t.setBands(names.subList(0, n));
                } else {
                    t.setDataType(rnd.nextBoolean() ? DataType.UINT16 : DataType.FLOAT32);
                }
                return dlq(kind, name + "-" + i, avro(t), "validate");
            };
            case "png-lying-header" -> i -> {
                boolean zero = i % 10 == 0;
                int w = zero ? 0 : 4097 + rnd.nextInt(100_000);
                int h = zero ? 0 : 4097 + rnd.nextInt(100_000);
                return dlq(kind, name + "-" + i, PngBytes.png(w, h, 0, new byte[] {0, 0, 0}), "decode");
            };
            case "png-bomb" -> i -> {
                // 4096 x 4096 grey zeros: 16 MiB decoded from ~17 KiB, within the pixel limit, one band
                byte[] rows = new byte[4096 * 4097];
                return dlq(kind, name + "-" + i, PngBytes.png(4096, 4096, 0, rows), "model-input");
            };
            case "jpeg-lying-header" -> i -> dlq(kind, name + "-" + i,
                    jpegClaiming(20_000 + rnd.nextInt(45_000), 20_000 + rnd.nextInt(45_000)), "decode");
            case "jpeg-truncated" -> i -> dlq(kind, name + "-" + i,
                    java.util.Arrays.copyOf(jpeg, rnd.nextInt(jpeg.length - 2)), "decode");
            case "tiff-lying" -> i -> dlq(kind, name + "-" + i, lyingTiff(), null);
            case "null-value" -> i -> new Crafted(kind, i % 10 == 0 ? null : utf8(prefix + "null-" + i), null, null,
                    Expect.DLQ, "decode");
            case "binary-key" -> i -> {
                byte[] key = randomBytes(1 + rnd.nextInt(40));
                key[0] = (byte) 0xFF; // never valid UTF-8
                return new Crafted(kind, key, avro(tile(name + "-" + i, 16)), null, Expect.DLQ, "validate");
            };
            case "oversized-key" -> i -> {
                String id = name + "-" + i + "-" + "k".repeat(1025);
                // half with the tile id as long as the key, half with a short id under the long key
                Tile t = tile(i % 2 == 0 ? id : name + "-" + i, 16);
                return new Crafted(kind, utf8(id), avro(t), null, Expect.DLQ, "validate");
            };
            case "uint16-out-of-range" -> i -> dlq(kind, name + "-" + i,
                    avro(samples(name + "-" + i, DataType.UINT16, 256 + rnd.nextInt(65_000))), "model-input");
            case "float-out-of-range" -> i -> dlq(kind, name + "-" + i, avro(samples(name + "-" + i, DataType.FLOAT32,
                    i % 2 == 0 ? 3e38f : -1f - rnd.nextFloat())), "model-input");
            case "raw-image-binary-source-header" -> i -> new Crafted(kind, utf8(name + "-" + i), jpeg,
                    new byte[] {(byte) 0xC3, 0x28, (byte) i}, Expect.DLQ, "validate");
            case "good" -> i -> segmented(kind, utf8(name + "-" + i), avro(tile(name + "-" + i, 32)));
            case "good-keyless" -> i -> segmented(kind, null, avro(tile(name + "-" + i, 32)));
            case "good-empty-key" -> i -> segmented(kind, new byte[0], avro(tile(name + "-" + i, 32)));
            case "float-all-nan" -> i -> segmented(kind, utf8(name + "-" + i),
                    avro(samples(name + "-" + i, DataType.FLOAT32, Float.NaN)));
            case "float-speckled-nan-inf" -> i -> segmented(kind, utf8(name + "-" + i),
                    avro(speckled(name + "-" + i)));
            default -> throw new IllegalArgumentException("no maker for " + kind);
        };
    }

    private static Crafted dlq(String kind, String key, byte[] value, String stage) {
        return new Crafted(kind, utf8(key), value, null, Expect.DLQ, stage);
    }

    private static Crafted segmented(String kind, byte[] key, byte[] value) {
        return new Crafted(kind, key, value, null, Expect.SEGMENTED, null);
    }

    /** The pixels of a tile with a NaN, +Inf or -Inf sample in any band (none unless it is FLOAT32). */
    public static boolean[] nonFinitePixels(Tile tile) {
        int n = tile.getWidth() * tile.getHeight();
        ByteBuffer le = tile.getPixels().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        boolean[] out = new boolean[n];
        if (tile.getDataType() != DataType.FLOAT32) {
            return out;
        }
        for (int s = 0; s < n * tile.getBands().size(); s++) {
            out[s % n] |= !Float.isFinite(le.getFloat(le.position() + 4 * s));
        }
        return out;
    }

    private Tile tile(String id, int size) {
        return TestTiles.rgb(id, size, size, rnd.nextLong());
    }

    private static byte[] avro(Tile t) {
        return AvroCodec.tile().encode(t);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** A 32x32 three-band tile of {@code type} with every sample {@code value}. */
    private Tile samples(String id, DataType type, float value) {
        int n = 32 * 32 * 3;
        ByteBuffer px = ByteBuffer.allocate(n * (type == DataType.UINT16 ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < n; s++) {
            if (type == DataType.UINT16) {
                px.putShort((short) value);
            } else {
                px.putFloat(value);
            }
        }
        return Tile.newBuilder(tile(id, 32)).setDataType(type).setPixels(ByteBuffer.wrap(px.array())).build();
    }

    /** A 32x32 float tile of in-range values with about one sample in 20 NaN, +Inf or -Inf. */
    private Tile speckled(String id) {
        int n = 32 * 32 * 3;
        ByteBuffer px = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        float[] odd = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int s = 0; s < n; s++) {
            px.putFloat(rnd.nextInt(20) == 0 ? odd[rnd.nextInt(3)] : rnd.nextFloat() * 255f);
        }
        return Tile.newBuilder(tile(id, 32)).setDataType(DataType.FLOAT32).setPixels(ByteBuffer.wrap(px.array()))
                .build();
    }

    /** A tile whose one length or count field claims far more than the record holds. */
    private byte[] lyingLength(String id) {
        Tile base = tile(id, 16);
        long huge = 1L << (20 + rnd.nextInt(42));
        List<UnaryOperator<Tile.Builder>[]> fields = List.of(
                edits(b -> b.setPixels(ByteBuffer.allocate(0)), b -> b.setPixels(ByteBuffer.allocate(1))),
                edits(b -> b.setSource(""), b -> b.setSource("s")),
                edits(b -> b.setBands(List.of()), b -> b.setBands(List.of("r"))),
                edits(b -> b.setLabelClasses(List.of()), b -> b.setLabelClasses(List.of("c"))),
                edits(b -> b.setAttributes(Map.of()), b -> b.setAttributes(Map.of("", ""))),
                edits(b -> b.setValidMask(ByteBuffer.allocate(0)), b -> b.setValidMask(ByteBuffer.allocate(1))));
        UnaryOperator<Tile.Builder>[] f = fields.get(rnd.nextInt(fields.size()));
        // strings and bytes may also claim a negative length; a negative count is legal Avro block framing
        long claim = f == fields.get(2) || f == fields.get(3) || f == fields.get(4) || rnd.nextBoolean() ? huge : -huge;
        return LyingLengths.padded(LyingLengths.claim(base, f[0], f[1], claim), rnd.nextInt(1024));
    }

    @SafeVarargs
    private static UnaryOperator<Tile.Builder>[] edits(UnaryOperator<Tile.Builder>... e) {
        return e;
    }

    /** The real JPEG with its frame header (SOF0/1/2) claiming {@code w x h}. */
    private byte[] jpegClaiming(int w, int h) {
        byte[] out = jpeg.clone();
        for (int i = 2; i + 9 < out.length; i++) {
            int m = out[i + 1] & 0xFF;
            if ((out[i] & 0xFF) == 0xFF && m >= 0xC0 && m <= 0xC2) {
                out[i + 5] = (byte) (h >> 8);
                out[i + 6] = (byte) h;
                out[i + 7] = (byte) (w >> 8);
                out[i + 8] = (byte) w;
                return out;
            }
        }
        throw new IllegalStateException("no SOF marker in the JPEG");
    }

    /**
     * A TIFF whose header lies: a size past the pixel limit, or a strip byte count far beyond the file, with one to
     * three samples a pixel.
     */
    private byte[] lyingTiff() {
        boolean huge = rnd.nextBoolean();
        int w = huge ? 5000 + rnd.nextInt(100_000) : 8 + rnd.nextInt(64);
        int h = huge ? 5000 + rnd.nextInt(100_000) : 8 + rnd.nextInt(64);
        TiffBytes tiff = TiffBytes.gray8(w, h).shortTag(277, 1 + rnd.nextInt(3)).pixels(new byte[64]);
        return huge ? tiff.build() : tiff.buildClaiming(Integer.MAX_VALUE - rnd.nextInt(1000));
    }
}
