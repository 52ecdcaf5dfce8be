package io.asmready.lint.argocd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GlobTest {
    @Test
    void matchesLiterallyExceptForWildcards() {
        assertTrue(Glob.matches("https://github.com/org/*", "https://github.com/org/repo.git"));
        assertFalse(Glob.matches("https://github.com/org/repo.git", "https://github.com/org/repoXgit"));
        assertTrue(Glob.matches("asm-ready-?", "asm-ready-1"));
        assertTrue(Glob.matches("*", ""));
    }

    @Test
    void aLeadingBangDenies() {
        assertFalse(Glob.matches("!kube-system", "kube-system"));
        assertTrue(Glob.matches("!kube-system", "asm-ready"));
    }
}
