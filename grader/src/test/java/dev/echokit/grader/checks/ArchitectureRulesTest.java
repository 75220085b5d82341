package dev.echokit.grader.checks;

import static org.assertj.core.api.Assertions.assertThatCode;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.echokit.grader.SelfTestCondition;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** The architecture rules on servers in styles the solution does not have, read from classes compiled here. */
@Tag("selftest")
@DisplayName("The architecture rules hold for a server in another style")
@ExtendWith(SelfTestCondition.class)
class ArchitectureRulesTest {

    /** A whole server as its command class: options, loop and all (the shape of a helper's one-class server). */
    @CommandLine.Command(name = "one-class")
    static final class OneClassServer implements Callable<Integer> {
        @CommandLine.Option(names = "--max-clients", defaultValue = "100")
        int maxClients;

        @Override
        public Integer call() {
            return maxClients;
        }
    }

    @Test
    @DisplayName("a server that is its command class alone breaks no picocli rule (ArchUnit once failed it for having no other class)")
    void oneClassServerKeepsPicocliInItsCommand() {
        var classes = new ClassFileImporter().importClasses(OneClassServer.class);
        assertThatCode(() -> ArchitectureChecks.only_the_command_should_depend_on_picocli.check(classes)).doesNotThrowAnyException();
        assertThatCode(() -> ArchitectureChecks.the_command_should_declare_max_clients_as_an_option.check(classes)).doesNotThrowAnyException();
    }
}
