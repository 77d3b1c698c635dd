package io.satstream.raster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.fasterxml.jackson.databind.JsonNode;

import io.satstream.schemas.DataType;
import io.satstream.schemas.MaskValues;
import io.satstream.testing.oracles.Gdal;

class MaskPngTest {
    private static final List<String> CLASSES = List.of("water", "vegetation", "bare_soil", "road", "building", "cloud");

    @Test
    void writesAnIndexedPngWhosePixelsAreTheClassIndices() throws Exception {
        int width = 37;
        int height = 23;
        byte[] mask = new byte[width * height];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (byte) ((i * 7 + i / width) % CLASSES.size());
        }

        byte[] png = MaskPng.encode(mask, width, height, CLASSES);

        assertThat(ImageFormat.detect(png)).isEqualTo(ImageFormat.PNG);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getColorModel()).isInstanceOf(IndexColorModel.class);
        IndexColorModel palette = (IndexColorModel) image.getColorModel();
        // the reader pads its colour model to 256 entries; the file's PLTE chunk holds one per class
        assertThat(chunkLength(png, "PLTE")).isEqualTo(3 * CLASSES.size());
        int[] indices = image.getRaster().getPixels(0, 0, width, height, (int[]) null);
        for (int i = 0; i < mask.length; i++) {
            assertThat(indices[i]).isEqualTo(mask[i]);
        }
        for (int c = 0; c < CLASSES.size(); c++) {
            assertThat(palette.getRGB(c) & 0xFFFFFF).isEqualTo(ClassPalette.colorFor(CLASSES.get(c), c));
        }
    }

    @Test
    void theColoursAreTheDocumentedOnes() throws Exception {
        byte[] mask = {0, 1, 2, 3, 4, 5};
        RasterImage rgb = new RasterDecoder().decode(MaskPng.encode(mask, 6, 1, CLASSES));
        assertThat(rgb.bands()).containsExactly("red", "green", "blue");
        assertThat(rgb.dataType()).isEqualTo(DataType.UINT8);
        // water is blue, vegetation green, bare soil tan, road grey, building red, cloud white
        assertThat(colour(rgb, 0)).satisfies(c -> assertThat(c[2]).isGreaterThan(c[0]).isGreaterThan(c[1] - 40));
        assertThat(colour(rgb, 1)).satisfies(c -> assertThat(c[1]).isGreaterThan(c[0]).isGreaterThan(c[2]));
        assertThat(colour(rgb, 2)).containsExactly(0xD2, 0xB4, 0x8C);
        assertThat(colour(rgb, 3)).satisfies(c -> assertThat(c[0]).isEqualTo(c[1]).isEqualTo(c[2]));
        assertThat(colour(rgb, 4)).satisfies(c -> assertThat(c[0]).isGreaterThan(200).isGreaterThan(c[1] + 150));
        assertThat(colour(rgb, 5)).containsExactly(255, 255, 255);
    }

    @Test
    void noDataPixelsAreFullyTransparentAndClassPixelsOpaque() throws Exception {
        int width = 20;
        int height = 10;
        byte[] mask = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                // a no-data collar in the corner (below the anti-diagonal) and classes elsewhere
                mask[y * width + x] = x + y < 8 ? (byte) MaskValues.NO_DATA : (byte) ((x / 3) % CLASSES.size());
            }
        }

        byte[] png = MaskPng.encode(mask, width, height, CLASSES);

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getColorModel().hasAlpha()).isTrue();
        int[] indices = image.getRaster().getPixels(0, 0, width, height, (int[]) null);
        long transparent = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                int argb = image.getRGB(x, y);
                assertThat(indices[i]).as("value at (%d,%d)", x, y).isEqualTo(mask[i] & 0xFF);
                if ((mask[i] & 0xFF) == MaskValues.NO_DATA) {
                    assertThat(argb >>> 24).as("alpha at (%d,%d)", x, y).isZero();
                    transparent++;
                } else {
                    assertThat(argb >>> 24).as("alpha at (%d,%d)", x, y).isEqualTo(255);
                    assertThat(argb & 0xFFFFFF).isEqualTo(ClassPalette.colorFor(CLASSES.get(mask[i]), mask[i]));
                }
            }
        }
        assertThat(transparent).isEqualTo(36); // 8 + 7 + ... + 1
        // entry 255 needs a full palette; tRNS then says which entries are see-through
        assertThat(chunkLength(png, "PLTE")).isEqualTo(3 * 256);
        assertThat(chunkLength(png, "tRNS")).isEqualTo(256);
        assertThat(textEntries(png)).containsExactly(
                MaskPng.CLASSES_KEYWORD + "=water,vegetation,bare_soil,road,building,cloud");
    }

    @Test
    void gdalReadsTheTransparentEntryAsNodata(@TempDir Path tmp) throws Exception {
        Gdal.require();
        byte[] mask = {0, 1, (byte) MaskValues.NO_DATA, 5, (byte) MaskValues.NO_DATA, 3};
        Path file = Files.write(tmp.resolve("mask.png"), MaskPng.encode(mask, 3, 2, CLASSES));

        JsonNode info = Gdal.info(file);

        assertThat(info.at("/bands/0/noDataValue").asDouble()).isEqualTo(255.0);
        assertThat(info.at("/bands/0/colorTable/entries/255/3").asInt()).isZero();
        assertThat(info.at("/bands/0/colorTable/entries/5/3").asInt()).isEqualTo(255);
        assertThat(info.at("/metadata//" + MaskPng.CLASSES_KEYWORD).asText())
                .isEqualTo("water,vegetation,bare_soil,road,building,cloud");
        assertThat(Gdal.rawBands(file, tmp)).isEqualTo(mask);
    }

    @Test
    void aMaskWithDataEverywhereHasNoTransparency() throws Exception {
        byte[] png = MaskPng.encode(new byte[] {0, 1, 2, 3, 4, 5}, 3, 2, CLASSES);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getColorModel().hasAlpha()).isFalse();
        assertThat(hasChunk(png, "tRNS")).isFalse();
        assertThat(chunkLength(png, "PLTE")).isEqualTo(3 * CLASSES.size());
    }

    @Test
    void carriesTheClassNamesInATextChunk() throws Exception {
        byte[] png = MaskPng.encode(new byte[4], 2, 2, CLASSES);
        ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            reader.setInput(in);
            IIOMetadata metadata = reader.getImageMetadata(0);
            Element root = (Element) metadata.getAsTree("javax_imageio_png_1.0");
            NodeList entries = root.getElementsByTagName("tEXtEntry");
            assertThat(entries.getLength()).isEqualTo(1);
            Element entry = (Element) entries.item(0);
            assertThat(entry.getAttribute("keyword")).isEqualTo(MaskPng.CLASSES_KEYWORD);
            assertThat(entry.getAttribute("value")).isEqualTo("water,vegetation,bare_soil,road,building,cloud");
        } finally {
            reader.dispose();
        }
    }

    @Test
    void aLargeMaskCompressesWell() {
        int size = 512;
        byte[] mask = new byte[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                mask[y * size + x] = (byte) ((x / 64 + y / 64) % 6);
            }
        }
        byte[] png = MaskPng.encode(mask, size, size, CLASSES);
        assertThat(png.length).isLessThan(mask.length / 20);
    }

    @Test
    void badMasksAreRefusedWithTheReason() {
        assertThatThrownBy(() -> MaskPng.encode(new byte[5], 2, 2, CLASSES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mask holds 5 values, but 2x2 needs 4");
        assertThatThrownBy(() -> MaskPng.encode(new byte[] {0, 1, 9, 0}, 2, 2, CLASSES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mask value 9 at (0, 1) is neither a class index (6 classes) nor no-data (255)");
        assertThatThrownBy(() -> MaskPng.encode(new byte[] {0, 1, 0, (byte) 254}, 2, 2, CLASSES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mask value 254 at (1, 1) is neither a class index (6 classes) nor no-data (255)");
        assertThatThrownBy(() -> MaskPng.encode(new byte[4], 2, 2, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..255 classes");
        List<String> tooMany = java.util.stream.IntStream.range(0, 256).mapToObj(i -> "c" + i).toList();
        assertThatThrownBy(() -> MaskPng.encode(new byte[4], 2, 2, tooMany))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a mask holds 1..255 classes (value 255 marks no data), got 256");
        assertThatThrownBy(() -> MaskPng.encode(new byte[0], 0, 0, CLASSES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mask size must be positive, got 0x0");
    }

    private static List<String> textEntries(byte[] png) throws Exception {
        ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            reader.setInput(in);
            Element root = (Element) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
            NodeList entries = root.getElementsByTagName("tEXtEntry");
            List<String> out = new java.util.ArrayList<>();
            for (int i = 0; i < entries.getLength(); i++) {
                Element e = (Element) entries.item(i);
                out.add(e.getAttribute("keyword") + "=" + e.getAttribute("value"));
            }
            return out;
        } finally {
            reader.dispose();
        }
    }

    private static boolean hasChunk(byte[] png, String type) {
        try {
            chunkLength(png, type);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    private static int chunkLength(byte[] png, String type) {
        int pos = 8;
        while (pos + 8 <= png.length) {
            int length = java.nio.ByteBuffer.wrap(png, pos, 4).getInt();
            if (new String(png, pos + 4, 4, java.nio.charset.StandardCharsets.US_ASCII).equals(type)) {
                return length;
            }
            pos += 12 + length;
        }
        throw new AssertionError("no " + type + " chunk");
    }

    private static int[] colour(RasterImage rgb, int x) {
        return new int[] {(int) rgb.sample(0, x, 0), (int) rgb.sample(1, x, 0), (int) rgb.sample(2, x, 0)};
    }
}
