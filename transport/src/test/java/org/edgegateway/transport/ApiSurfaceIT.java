package org.edgegateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The replacement classes have the original's class shape and every non-private member of it, with
 * the same access, static-ness, parameter and return types; and no non-private member the original
 * lacks. The one difference: Handle keeps Object's equals and hashCode (identity); nothing in
 * JeroMQ compares handles.
 */
class ApiSurfaceIT {

    static final Set<String> CLASSES = Set.of("zmq.poll.Poller", "zmq.poll.Poller$Handle", "zmq.poll.PollerBase",
            "zmq.io.coder.DecoderBase", "zmq.io.coder.EncoderBase", "zmq.Signaler");
    static final Set<String> NOT_KEPT = Set.of(
            "zmq.poll.Poller$Handle: public boolean equals(java.lang.Object)",
            "zmq.poll.Poller$Handle: public int hashCode()");

    static String access(int modifiers) {
        if (Modifier.isPublic(modifiers)) {
            return "public";
        }
        if (Modifier.isProtected(modifiers)) {
            return "protected";
        }
        return Modifier.isPrivate(modifiers) ? "private" : "package";
    }

    static String params(Executable e) {
        return Arrays.stream(e.getParameterTypes()).map(Class::getName).collect(Collectors.joining(","));
    }

    static Set<String> surface(Class<?> type) {
        Set<String> out = new TreeSet<>();
        String owner = type.getName() + ": ";
        out.add(owner + "class " + access(type.getModifiers())
                + (Modifier.isStatic(type.getModifiers()) ? " static" : "")
                + (Modifier.isFinal(type.getModifiers()) ? " final" : "")
                + (Modifier.isAbstract(type.getModifiers()) ? " abstract" : "")
                + " extends " + type.getSuperclass().getName()
                + " implements " + Arrays.stream(type.getInterfaces()).map(Class::getName).sorted().toList());
        for (Method m : type.getDeclaredMethods()) {
            if (Modifier.isPrivate(m.getModifiers()) || m.isSynthetic()) {
                continue;
            }
            out.add(owner + access(m.getModifiers()) + (Modifier.isStatic(m.getModifiers()) ? " static" : "")
                    + " " + m.getReturnType().getName() + " " + m.getName() + "(" + params(m) + ")");
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (Modifier.isPrivate(c.getModifiers()) || c.isSynthetic()) {
                continue;
            }
            out.add(owner + access(c.getModifiers()) + " <init>(" + params(c) + ")");
        }
        for (Field f : type.getDeclaredFields()) {
            if (Modifier.isPrivate(f.getModifiers()) || f.isSynthetic()) {
                continue;
            }
            out.add(owner + access(f.getModifiers()) + (Modifier.isStatic(f.getModifiers()) ? " static" : "")
                    + (Modifier.isFinal(f.getModifiers()) ? " final" : "") + " " + f.getType().getName() + " " + f.getName());
        }
        return out;
    }

    @Test
    void sameMembersAsTheOriginal() throws Exception {
        Set<String> original = new TreeSet<>();
        Set<String> ours = new TreeSet<>();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {Jars.original().toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String name : CLASSES) {
                original.addAll(surface(Class.forName(name, false, loader)));
                ours.addAll(surface(Class.forName(name, false, getClass().getClassLoader())));
            }
        }
        assertThat(original).as("the original's surface as read").contains(
                "zmq.poll.Poller: public zmq.poll.Poller$Handle addHandle(java.nio.channels.SelectableChannel,zmq.poll.IPollEvents)",
                "zmq.poll.PollerBase: public void addTimer(long,zmq.poll.IPollEvents,int)",
                "zmq.poll.PollerBase: protected final java.lang.Thread worker",
                "zmq.io.coder.EncoderBase: protected zmq.Msg inProgress",
                "zmq.io.coder.DecoderBase: public java.nio.ByteBuffer getBuffer()",
                "zmq.Signaler: package boolean waitEvent(long)");

        Set<String> missing = new TreeSet<>(original);
        missing.removeAll(ours);
        missing.removeAll(NOT_KEPT);
        assertThat(missing).as("members of the original that ours lacks or declares differently").isEmpty();

        Set<String> extra = new TreeSet<>(ours);
        extra.removeAll(original);
        assertThat(extra).as("non-private members only ours has").isEmpty();
    }
}
