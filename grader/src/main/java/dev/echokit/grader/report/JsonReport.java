package dev.echokit.grader.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static final ObjectMapper COMPACT = JsonMapper.builder().build();

    /** One line, for tools that print a single JSON object (flood --json). */
    public static String compact(Object value) {
        return COMPACT.writeValueAsString(value);
    }

    public static String toJson(Object value) {
        return JSON.writeValueAsString(value) + "\n";
    }

    public static void write(Path file, Object value) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, toJson(value));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }
}
