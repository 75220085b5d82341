package dev.echokit.grader.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes and reads the grader's JSON files through Jackson, straight from the report's records. */
public final class JsonReport {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private JsonReport() {
    }

    public static ObjectMapper mapper() {
        return JSON;
    }

    public static String toJson(Object value) {
        return JSON.writeValueAsString(value) + "\n";
    }

    public static void write(Path file, Object value) {
        writeText(file, toJson(value));
    }

    /** A temporary file is private to its owner; the result it becomes is for everyone who may read its folder. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // Windows: the folder's own access rules apply
        }
    }

    /**
     * Writes a result file whole or not at all: into a new file beside it, then renamed over it in
     * one step, so that a reader never sees half a file and nothing can write into it meanwhile.
     */
    public static void writeText(Path file, String text) {
        writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #writeText}, for bytes kept as they are: a gradebook's copy keeps its own encoding. */
    public static void writeBytes(Path file, byte[] bytes) {
        Path absolute = file.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
            Path fresh = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".new");
            try {
                Files.write(fresh, bytes);
                readableByAll(fresh);
                Files.move(fresh, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(fresh);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }
}
