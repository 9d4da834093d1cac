package org.edgegateway.keys;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The enums that travel as a label (token scopes, admin roles), read back from one. Stateless. */
final class Labels {

    private Labels() {
    }

    /**
     * The value of {@code values} whose label is {@code text} (any case, blanks around it ignored).
     *
     * @throws IllegalArgumentException naming {@code what}, the text and the known labels
     */
    static <E extends Enum<E>> E parse(E[] values, Function<E, String> label, String what, String text) {
        if (text != null) {
            String l = text.strip().toLowerCase(Locale.ROOT);
            for (E value : values) {
                if (label.apply(value).equals(l)) {
                    return value;
                }
            }
        }
        throw new IllegalArgumentException(what + " " + (text == null ? "null" : ClientNames.quote(text))
                + " is not one of " + Arrays.stream(values).map(label).collect(Collectors.joining(", ")));
    }
}
