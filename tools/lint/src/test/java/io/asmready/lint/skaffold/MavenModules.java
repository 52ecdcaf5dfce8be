package io.asmready.lint.skaffold;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import io.asmready.lint.LintException;
import io.asmready.lint.Settings;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The Maven side of the images: the root POM's modules (what Skaffold's {@code --projects} may name)
 * and the image name Jib gives a module ({@code image.name}, set from the root POM's
 * {@code asmready.image.*}), read from the POM files the way Maven resolves them here.
 */
final class MavenModules {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]+)}");

    private MavenModules() {
    }

    /** The root POM's {@code <modules>}, as written (paths relative to the root). */
    static Set<String> modules(Path root) {
        Set<String> modules = new LinkedHashSet<>();
        NodeList list = parse(root.resolve("pom.xml")).getElementsByTagName("module");
        for (int i = 0; i < list.getLength(); i++) {
            modules.add(list.item(i).getTextContent().strip());
        }
        return modules;
    }

    /** The image name Jib builds for a module: its {@code image.name}, else the root POM's default. */
    static String jibImageName(Path root, String module) {
        Document pom = parse(root.resolve(module).resolve("pom.xml"));
        String value = property(pom, "image.name")
                .or(() -> property(parse(root.resolve("pom.xml")), "image.name"))
                .orElseThrow(() -> new LintException(module + "/pom.xml and the root POM define no image.name"));
        return resolve(value, childText(pom.getDocumentElement(), "artifactId").orElse(""));
    }

    private static String resolve(String value, String artifactId) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            m.appendReplacement(out, Matcher.quoteReplacement(
                    name.equals("project.artifactId") ? artifactId : Settings.get(name)));
        }
        return m.appendTail(out).toString();
    }

    private static Optional<String> property(Document pom, String name) {
        return childElement(pom.getDocumentElement(), "properties").flatMap(p -> childText(p, name));
    }

    private static Optional<Element> childElement(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> childText(Element parent, String name) {
        return childElement(parent, name).map(e -> e.getTextContent().strip());
    }

    private static Document parse(Path pom) {
        try (InputStream in = Files.newInputStream(pom)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(in);
        } catch (IOException | SAXException | ParserConfigurationException e) {
            throw new LintException("cannot read " + pom + ": " + e.getMessage(), e);
        }
    }
}
