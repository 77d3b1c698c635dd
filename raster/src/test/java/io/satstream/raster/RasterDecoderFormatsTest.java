package io.satstream.raster;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.satstream.schemas.DataType;

/** Each PNG/JPEG/TIFF layout the decoder promises, built with ImageIO and decoded back sample for sample. */
class RasterDecoderFormatsTest {
    private final RasterDecoder decoder = new RasterDecoder();

    @Test
    void rgbaPngDropsAlpha() throws IOException {
        BufferedImage image = new BufferedImage(5, 4, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(2, 1, 0x80112233);
        image.setRGB(4, 3, 0xFFAABBCC);
        RasterImage raster = decoder.decode(write(image, "png"));

        assertThat(raster.bands()).containsExactly("red", "green", "blue");
        assertThat(raster.dataType()).isEqualTo(DataType.UINT8);
        assertThat(rgb(raster, 2, 1)).isEqualTo(0x112233);
        assertThat(rgb(raster, 4, 3)).isEqualTo(0xAABBCC);
        assertThat(raster.pixels()).hasSize(5 * 4 * 3);
    }

    @Test
    void grayPngIsOneBand() throws IOException {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(1, 1, 0, 200);
        RasterImage raster = decoder.decode(write(image, "png"));

        assertThat(raster.bands()).containsExactly("gray");
        assertThat(raster.sample(0, 1, 1)).isEqualTo(200);
        assertThat(raster.sample(0, 0, 0)).isEqualTo(0);
    }

    @Test
    void sixteenBitGrayPngIsUint16() throws IOException {
        BufferedImage image = new BufferedImage(4, 3, BufferedImage.TYPE_USHORT_GRAY);
        image.getRaster().setSample(3, 2, 0, 65535);
        image.getRaster().setSample(1, 0, 0, 4660);
        RasterImage raster = decoder.decode(write(image, "png"));

        assertThat(raster.bands()).containsExactly("gray");
        assertThat(raster.dataType()).isEqualTo(DataType.UINT16);
        assertThat(raster.sample(0, 3, 2)).isEqualTo(65535);
        assertThat(raster.sample(0, 1, 0)).isEqualTo(4660);
        int index = 1; // little-endian: 4660 = 0x1234 -> 34 12
        assertThat(raster.pixels()[index * 2]).isEqualTo((byte) 0x34);
        assertThat(raster.pixels()[index * 2 + 1]).isEqualTo((byte) 0x12);
    }

    @Test
    void sixteenBitRgbaPngIsUint16RgbWithoutAlpha() throws IOException {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster pixels = model.createCompatibleWritableRaster(3, 2);
        pixels.setPixel(2, 1, new int[] {1000, 30000, 65000, 12345});
        BufferedImage image = new BufferedImage(model, pixels, false, null);
        RasterImage raster = decoder.decode(write(image, "png"));

        assertThat(raster.bands()).containsExactly("red", "green", "blue");
        assertThat(raster.dataType()).isEqualTo(DataType.UINT16);
        assertThat(raster.sample(0, 2, 1)).isEqualTo(1000);
        assertThat(raster.sample(1, 2, 1)).isEqualTo(30000);
        assertThat(raster.sample(2, 2, 1)).isEqualTo(65000);
        assertThat(raster.pixels()).hasSize(3 * 2 * 3 * 2);
    }

    @Test
    void palettePngIsExpandedToRgb() throws IOException {
        IndexColorModel palette = new IndexColorModel(8, 3, new byte[] {10, 20, 30}, new byte[] {40, 50, 60},
                new byte[] {70, 80, 90});
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED, palette);
        image.getRaster().setSample(3, 3, 0, 2);
        image.getRaster().setSample(0, 1, 0, 1);
        RasterImage raster = decoder.decode(write(image, "png"));

        assertThat(raster.bands()).containsExactly("red", "green", "blue");
        assertThat(rgb(raster, 3, 3)).isEqualTo(30 << 16 | 60 << 8 | 90);
        assertThat(rgb(raster, 0, 1)).isEqualTo(20 << 16 | 50 << 8 | 80);
        assertThat(rgb(raster, 0, 0)).isEqualTo(10 << 16 | 40 << 8 | 70);
    }

    @Test
    void oneBitBlackAndWhitePngIsOneGrayBand() throws IOException {
        BufferedImage image = new BufferedImage(9, 3, BufferedImage.TYPE_BYTE_BINARY);
        image.getRaster().setSample(8, 2, 0, 1);
        RasterImage raster = decoder.decode(write(image, "png"));

        assertThat(raster.bands()).containsExactly("gray");
        assertThat(raster.sample(0, 8, 2)).isEqualTo(255);
        assertThat(raster.sample(0, 7, 2)).isEqualTo(0);
    }

    @Test
    void jpegIsRgb() throws IOException {
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                image.setRGB(x, y, 0xC08040);
            }
        }
        RasterImage raster = decoder.decode(write(image, "jpeg"));

        assertThat(raster.bands()).containsExactly("red", "green", "blue");
        // flat colour survives JPEG within a level or two
        assertThat(raster.sample(0, 8, 8)).isBetween(0xC0 - 3.0, 0xC0 + 3.0);
        assertThat(raster.sample(1, 8, 8)).isBetween(0x80 - 3.0, 0x80 + 3.0);
        assertThat(raster.sample(2, 8, 8)).isBetween(0x40 - 3.0, 0x40 + 3.0);
    }

    @Test
    void float32TiffKeepsItsValues() throws IOException {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_FLOAT);
        WritableRaster pixels = model.createCompatibleWritableRaster(3, 2);
        pixels.setSample(0, 0, 0, -1.5f);
        pixels.setSample(2, 1, 0, 1234.25f);
        RasterImage raster = decoder.decode(write(new BufferedImage(model, pixels, false, null), "tiff"));

        assertThat(raster.dataType()).isEqualTo(DataType.FLOAT32);
        assertThat(raster.bands()).containsExactly("band1");
        assertThat(raster.sample(0, 0, 0)).isEqualTo(-1.5);
        assertThat(raster.sample(0, 2, 1)).isEqualTo(1234.25);
        assertThat(raster.georef()).isNull();
    }

    @Test
    void palettedTiffIsExpandedToRgb() throws IOException {
        IndexColorModel palette = new IndexColorModel(8, 2, new byte[] {0, (byte) 255}, new byte[] {0, 100},
                new byte[] {0, 50});
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED, palette);
        image.getRaster().setSample(1, 0, 0, 1);
        RasterImage raster = decoder.decode(write(image, "tiff"));

        assertThat(raster.bands()).containsExactly("red", "green", "blue");
        assertThat(rgb(raster, 1, 0)).isEqualTo(0xFF6432);
        assertThat(rgb(raster, 0, 0)).isEqualTo(0);
    }

    @Test
    void handMadeGrayTiffDecodesItsStrip() {
        byte[] pixels = new byte[12];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 20);
        }
        RasterImage raster = decoder.decode(TiffBytes.gray8(4, 3).pixels(pixels).build());
        assertThat(raster.pixels()).isEqualTo(pixels);
        assertThat(raster.bands()).isEqualTo(List.of("band1"));
    }

    private static int rgb(RasterImage raster, int x, int y) {
        return (int) raster.sample(0, x, y) << 16 | (int) raster.sample(1, x, y) << 8 | (int) raster.sample(2, x, y);
    }

    private static byte[] write(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IllegalStateException("no ImageIO writer for " + format);
        }
        return out.toByteArray();
    }
}
