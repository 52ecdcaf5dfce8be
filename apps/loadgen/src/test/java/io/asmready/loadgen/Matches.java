package io.asmready.loadgen;

import java.util.regex.Pattern;

import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;

/** A whole-string regular expression matcher (hamcrest 1.3, which Helidon manages, has none). */
public final class Matches {
    private Matches() {
    }

    public static Matcher<String> pattern(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(String item) {
                return pattern.matcher(item).matches();
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a string matching /" + regex + "/");
            }
        };
    }
}
