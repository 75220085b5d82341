package dev.echokit.grader.intake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A learner's source file as text, read the way javac users expect whatever their editor saved:
 * a UTF-8 byte-order mark (Windows editors write one) is dropped; the bytes are decoded as strict
 * UTF-8; and a file that is not UTF-8 is read as windows-1252 (the usual Windows default), or as
 * ISO-8859-1 when even that fails. Compiling, pointing at lines, hashing and comparing all read
 * sources through here, so they agree on what a file says.
 *
 * @param charset the encoding the text was read in: UTF-8 unless the file is not UTF-8
 */
public record SourceText(String text, Charset charset) {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /** Reads and decodes one file. */
    public static SourceText read(Path file) throws IOException {
        return decode(Files.readAllBytes(file));
    }

    public static SourceText decode(byte[] bytes) {
        int start = startsWithBom(bytes) ? BOM.length : 0;
        ByteBuffer content = ByteBuffer.wrap(bytes, start, bytes.length - start);
        for (Charset charset : List.of(StandardCharsets.UTF_8, WINDOWS_1252)) {
            try {
                return new SourceText(charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(content.duplicate()).toString(), charset);
            } catch (CharacterCodingException notThisOne) {
                // try the next encoding
            }
        }
        // Every byte is a character in ISO-8859-1: this cannot fail.
        return new SourceText(new String(bytes, start, bytes.length - start, StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1);
    }

    private static boolean startsWithBom(byte[] bytes) {
        return bytes.length >= BOM.length && bytes[0] == BOM[0] && bytes[1] == BOM[1] && bytes[2] == BOM[2];
    }

    /** True when the file was not UTF-8, so the learner should hear about it. */
    public boolean notUtf8() {
        return !charset.equals(StandardCharsets.UTF_8);
    }

    /** The lines, as {@link Files#readAllLines} would give them (\n, \r\n or \r ends a line). */
    public List<String> lines() {
        return text.lines().toList();
    }

    /** The one line of feedback about files that were not UTF-8, or null when all were. */
    public static String note(List<String> files, Charset charset) {
        if (files.isEmpty()) {
            return null;
        }
        String which = files.size() == 1 ? files.get(0) : files.size() + " files (" + String.join(", ", files) + ")";
        return "read " + which + " as " + charset.name() + ", not UTF-8: save your files as UTF-8";
    }
}
