package io.asmready.lint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Multi-document YAML as Jackson 3 trees: the form every check here works on (rendered manifests,
 * CRD files, skaffold.yaml). Empty documents (a bare {@code ---}) are dropped, as kubectl does.
 */
public final class Yaml {
    private static final YAMLMapper MAPPER = YAMLMapper.builder().build();

    private Yaml() {
    }

    public static List<JsonNode> readAll(Path file) {
        try {
            return readAll(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new LintException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static List<JsonNode> readAll(String yaml, String origin) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode document = it.next();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
        } catch (JacksonException e) {
            throw new LintException(origin + " is not valid YAML: " + e.getOriginalMessage(), e);
        }
        return documents;
    }

    /** The single document of a file that must hold exactly one (skaffold.yaml, a kustomization). */
    public static JsonNode readOne(Path file) {
        List<JsonNode> documents = readAll(file);
        if (documents.size() != 1) {
            throw new LintException(file + " holds " + documents.size() + " YAML documents; expected exactly one");
        }
        return documents.getFirst();
    }
}
