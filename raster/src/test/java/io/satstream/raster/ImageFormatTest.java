package io.satstream.raster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageFormatTest {
    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void recognisesEachMagic() {
        assertThat(ImageFormat.detect(bytes(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0))).isEqualTo(ImageFormat.PNG);
        assertThat(ImageFormat.detect(bytes(0xFF, 0xD8, 0xFF, 0xE0))).isEqualTo(ImageFormat.JPEG);
        assertThat(ImageFormat.detect(bytes('I', 'I', 42, 0))).isEqualTo(ImageFormat.TIFF);
        assertThat(ImageFormat.detect(bytes('M', 'M', 0, 42))).isEqualTo(ImageFormat.TIFF);
        assertThat(ImageFormat.detect(bytes('I', 'I', 43, 0))).isEqualTo(ImageFormat.TIFF);
        assertThat(ImageFormat.detect(bytes('M', 'M', 0, 43))).isEqualTo(ImageFormat.TIFF);
    }

    @Test
    void bigTiffIsTold() {
        assertThat(ImageFormat.isBigTiff(bytes('I', 'I', 43, 0))).isTrue();
        assertThat(ImageFormat.isBigTiff(bytes('M', 'M', 0, 43))).isTrue();
        assertThat(ImageFormat.isBigTiff(bytes('I', 'I', 42, 0))).isFalse();
    }

    @Test
    void nearMissesAreUnknown() {
        assertThat(ImageFormat.detect(null)).isEqualTo(ImageFormat.UNKNOWN);
        assertThat(ImageFormat.detect(new byte[0])).isEqualTo(ImageFormat.UNKNOWN);
        assertThat(ImageFormat.detect(bytes(0x89, 0x50, 0x4E, 0x47))).isEqualTo(ImageFormat.UNKNOWN);
        assertThat(ImageFormat.detect(bytes(0xFF, 0xD8))).isEqualTo(ImageFormat.UNKNOWN);
        assertThat(ImageFormat.detect(bytes('I', 'I', 42, 1))).isEqualTo(ImageFormat.UNKNOWN);
        assertThat(ImageFormat.detect(bytes('M', 'M', 42, 0))).isEqualTo(ImageFormat.UNKNOWN);
        assertThat(ImageFormat.detect(bytes(0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8))).isEqualTo(ImageFormat.UNKNOWN);
    }

    @Test
    void realFilesAreRecognised() {
        assertThat(ImageFormat.detect(SharedData.bytes("rasterio-landsat-rgb/RGB.byte.tif"))).isEqualTo(ImageFormat.TIFF);
        assertThat(ImageFormat.detect(SharedData.bytes("dubai-aerial-semseg/Tile 1/images/image_part_001.jpg")))
                .isEqualTo(ImageFormat.JPEG);
        assertThat(ImageFormat.detect(SharedData.bytes("dubai-aerial-semseg/Tile 1/masks/image_part_001.png")))
                .isEqualTo(ImageFormat.PNG);
    }
}
