package io.satstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Records whose length fields lie are refused by {@link AvroCodec#decode(byte[], InputLimits)} before Avro allocates. */
class AvroBoundsCheckTest {
    /** 2 GB, and under Avro's own array cap (2^31 - 9), so plain Avro would try to allocate it. */
    private static final long TWO_GB = 2_000_000_000L;

    /** Bytes this thread allocated on the heap while running {@code r} (HotSpot's per-thread counter). */
    static long allocatedBy(Runnable r) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        r.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }

    static byte[] pixelsClaiming(long claim, int recordBytes) {
        return LyingLengths.pixelsClaiming(SchemaFixtures.tile(), claim, recordBytes);
    }

    @Test
    void aOneKilobyteRecordWhosePixelsClaimTwoGigabytesIsRefusedAllocatingAlmostNothing() {
        byte[] lie = pixelsClaiming(TWO_GB, 1024);
        assertThat(lie).hasSize(1024);
        long allocated = allocatedBy(() -> assertThatThrownBy(() -> AvroCodec.tile().decode(lie))
                .isInstanceOf(AvroDecodingException.class)
                .hasMessageContaining("Tile.pixels")
                .hasMessageContaining("claims " + TWO_GB + " bytes but only"));
        // The exception, its message and AssertJ's bookkeeping: kilobytes, not the 2 GB claimed.
        assertThat(allocated).isLessThan(1024 * 1024);
    }

    @Test
    void plainAvroAllocatesWhatTheLieClaims_theNegativeControl() {
        // The same record through Avro's own decoder (no bounds check) tries to allocate the claimed size:
        // 200 MB here, which the test JVM can afford, to show the check above is what saves the heap.
        byte[] lie = pixelsClaiming(200L * 1024 * 1024, 1024);
        var decoder = new org.apache.avro.message.BinaryMessageDecoder<Tile>(
                org.apache.avro.specific.SpecificData.getForClass(Tile.class), Tile.getClassSchema());
        long allocated = allocatedBy(() -> {
            try {
                decoder.decode(lie);
            } catch (Exception expected) {
                // Avro reads past the end after allocating.
            }
        });
        assertThat(allocated).isGreaterThan(200L * 1024 * 1024);
    }

    @Test
    void anArrayClaimingABillionItemsIsRefusedNamingTheLimit() {
        byte[] lie = LyingLengths.claim(SchemaFixtures.tile(), b -> b.setBands(List.of()),
                b -> b.setBands(List.of("r")), 1_000_000_000L);
        assertThatThrownBy(() -> AvroCodec.tile().decode(lie))
                .isInstanceOf(AvroDecodingException.class)
                .hasMessageContaining("Tile.bands[]")
                .hasMessageContaining("over the limit of " + InputLimits.DEFAULT_MAX_COLLECTION_ITEMS);
    }

    @Test
    void aMapClaimingMoreEntriesThanTheLimitIsRefused() {
        byte[] lie = LyingLengths.claim(SchemaFixtures.tile(), b -> b.setAttributes(Map.of()),
                b -> b.setAttributes(Map.of("", "")), 5_000L);
        assertThatThrownBy(() -> AvroCodec.tile().decode(lie))
                .isInstanceOf(AvroDecodingException.class)
                .hasMessageContaining("Tile.attributes{}");
    }

    @Test
    void aStringLongerThanTheRestOfTheRecordIsRefused() {
        byte[] lie = LyingLengths.claim(SchemaFixtures.tile(), b -> b.setTileId(""), b -> b.setTileId("x"),
                Integer.MAX_VALUE);
        assertThatThrownBy(() -> AvroCodec.tile().decode(lie))
                .isInstanceOf(AvroDecodingException.class)
                .hasMessageContaining("Tile.tileId")
                .hasMessageContaining("string claims " + Integer.MAX_VALUE + " bytes");
    }

    @Test
    void aStringThatFitsTheRecordButNotTheStringLimitIsRefused() {
        Tile tile = Tile.newBuilder(SchemaFixtures.tile()).setSource("s".repeat(300)).build();
        InputLimits small = InputLimits.builder().maxStringBytes(256).build();
        assertThatThrownBy(() -> AvroCodec.tile().decode(AvroCodec.tile().encode(tile), small))
                .isInstanceOf(AvroDecodingException.class)
                .hasMessageContaining("Tile.source")
                .hasMessageContaining("string of 300 bytes is over the limit of 256");
        assertThat(AvroCodec.tile().decode(AvroCodec.tile().encode(tile))).isEqualTo(tile);
    }

    @Test
    void aRecordOverTheRecordLimitIsRefusedBeforeItIsWalked() {
        byte[] good = AvroCodec.tile().encode(SchemaFixtures.tile());
        InputLimits small = InputLimits.builder().maxRecordBytes(good.length - 1).build();
        assertThatThrownBy(() -> AvroCodec.tile().decode(good, small))
                .isInstanceOf(AvroDecodingException.class)
                .hasMessage("Tile record of " + good.length + " bytes is over the limit of " + (good.length - 1));
    }

    /** The record with its first field, a short string whose length is one varint byte after the header, lying. */
    private static byte[] firstStringClaiming(byte[] encoded, long claim) {
        java.io.ByteArrayOutputStream lie = new java.io.ByteArrayOutputStream();
        lie.write(encoded, 0, 10);
        LyingLengths.writeVarint(lie, claim);
        lie.write(encoded, 11, encoded.length - 11);
        return lie.toByteArray();
    }

    @Test
    void segmentationAndModelEventDecodingAreGuardedTheSameWay() {
        byte[] event = firstStringClaiming(AvroCodec.modelEvent().encode(SchemaFixtures.modelEvent()), TWO_GB);
        assertThatThrownBy(() -> AvroCodec.modelEvent().decode(event))
                .isInstanceOf(AvroDecodingException.class)
                .hasMessageContaining("ModelEvent.modelName")
                .hasMessageContaining("string claims " + TWO_GB + " bytes");
        byte[] segmentation = firstStringClaiming(AvroCodec.segmentation().encode(SchemaFixtures.segmentation()),
                TWO_GB);
        assertThatThrownBy(() -> AvroCodec.segmentation().decode(segmentation))
                .isInstanceOf(AvroDecodingException.class)
                .hasMessageContaining("Segmentation.tileId");
    }

    @Test
    void humanBytesReadsAsAPersonWouldWriteIt() {
        assertThat(InputLimits.humanBytes(512)).isEqualTo("512 B");
        assertThat(InputLimits.humanBytes(36 * 1024)).isEqualTo("36 KiB");
        assertThat(InputLimits.humanBytes(3L << 29)).isEqualTo("1.5 GiB");
    }

    @Test
    void limitsThatCannotHoldTogetherAreAllReportedAtOnce() {
        assertThatThrownBy(() -> InputLimits.builder().maxPixels(0).maxBands(5000).maxTileBytes(3L << 30).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxPixels must be >= 1, got 0")
                .hasMessageContaining("maxTileBytes must fit one Java array")
                .hasMessageContaining("maxBands (5000) cannot exceed maxCollectionItems (4096)");
    }

    @Test
    void bytesLeftAfterTheRecordAreRefused() {
        byte[] good = AvroCodec.tile().encode(SchemaFixtures.tile());
        assertThatThrownBy(() -> AvroCodec.tile().decode(LyingLengths.padded(good, 3)))
                .isInstanceOf(AvroDecodingException.class)
                .hasMessageContaining("3 byte(s) left after the end of the Tile");
    }

    @Test
    void anUnknownFingerprintIsRefusedNamingIt() {
        byte[] bytes = AvroCodec.tile().encode(SchemaFixtures.tile());
        bytes[2] ^= 0x55;
        assertThatThrownBy(() -> AvroCodec.tile().decode(bytes))
                .isInstanceOf(AvroDecodingException.class)
                .hasMessageContaining("schema fingerprint")
                .hasMessageContaining("is not a released Tile schema");
    }

    @Test
    void anEnumIndexOutOfRangeIsRefused() {
        Tile tile = SchemaFixtures.tile();
        byte[] bytes = AvroCodec.tile().encode(tile);
        // UINT8 and UINT16 differ only in the data type enum's index: its byte is the first that differs.
        byte[] other = AvroCodec.tile().encode(Tile.newBuilder(tile).setDataType(DataType.UINT16).build());
        int at = java.util.Arrays.mismatch(bytes, other);
        bytes[at] = 0x7E; // index 63
        assertThatThrownBy(() -> AvroCodec.tile().decode(bytes))
                .isInstanceOf(AvroDecodingException.class)
                .hasMessageContaining("Tile.dataType")
                .hasMessageContaining("enum index 63");
    }

    @Test
    void everyTruncationAndEveryBitFlipOfAValidTileDecodesOrIsRefusedCheaply() {
        byte[] good = AvroCodec.tile().encode(SchemaFixtures.tile());
        int refused = 0;
        for (int len = 0; len < good.length; len++) {
            refused += decodesOrRefuses(java.util.Arrays.copyOf(good, len), good.length);
        }
        assertThat(refused).isEqualTo(good.length);
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] flipped = good.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            decodesOrRefuses(flipped, good.length);
        }
    }

    /** 1 when refused, 0 when decoded; fails on any other exception or on an allocation out of proportion. */
    private static int decodesOrRefuses(byte[] bytes, int recordSize) {
        int[] refused = {0};
        Runnable decode = () -> {
            try {
                AvroCodec.tile().decode(bytes);
            } catch (AvroDecodingException e) {
                refused[0] = 1;
            }
        };
        // The first decode of a kind may load classes or build Avro's resolver for an older writer schema once;
        // what must stay small is what each record costs.
        decode.run();
        long allocated = allocatedBy(decode);
        assertThat(allocated).as("heap allocated decoding %d bytes", bytes.length)
                .isLessThan(64L * recordSize + 256 * 1024);
        return refused[0];
    }
}
