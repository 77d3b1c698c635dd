package io.satstream.raster;

/** Container format of an encoded image, recognised by its leading magic bytes. */
public enum ImageFormat {
    PNG,
    JPEG,
    TIFF,
    UNKNOWN;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /**
     * Looks only at the first bytes; says nothing about whether the rest of the file is valid.
     * Classic TIFF ({@code II*\0}, {@code MM\0*}) and BigTIFF ({@code II+\0}, {@code MM\0+}) both count as TIFF.
     */
    public static ImageFormat detect(byte[] bytes) {
        if (bytes == null) {
            return UNKNOWN;
        }
        if (startsWith(bytes, PNG_SIGNATURE)) {
            return PNG;
        }
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF) {
            return JPEG;
        }
        if (bytes.length >= 4) {
            boolean little = bytes[0] == 'I' && bytes[1] == 'I' && (bytes[2] == 42 || bytes[2] == 43) && bytes[3] == 0;
            boolean big = bytes[0] == 'M' && bytes[1] == 'M' && bytes[2] == 0 && (bytes[3] == 42 || bytes[3] == 43);
            if (little || big) {
                return TIFF;
            }
        }
        return UNKNOWN;
    }

    /** True for the BigTIFF variant (version 43), which the JDK TIFF reader does not support. */
    public static boolean isBigTiff(byte[] bytes) {
        return bytes != null && bytes.length >= 4
                && ((bytes[0] == 'I' && bytes[2] == 43) || (bytes[0] == 'M' && bytes[3] == 43))
                && detect(bytes) == TIFF;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
