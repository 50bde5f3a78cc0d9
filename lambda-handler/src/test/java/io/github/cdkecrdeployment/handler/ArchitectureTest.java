package io.github.cdkecrdeployment.handler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph of the handler (DESIGN §5): {@code cfn}/{@code cli} → {@code copy} → {@code
 * registry}, {@code archive}, {@code auth} → {@code aws} → {@code common}; no cycles; jib-core only
 * in the registry's authenticator; AWS requests signed in {@code aws} only, and no SDK service
 * client anywhere; no CDK anywhere.
 */
class ArchitectureTest {
  private static final String ROOT = "io.github.cdkecrdeployment.handler";
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  @Test
  void packagesAreFreeOfCycles() {
    ArchRule rule = slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();
    rule.check(classes);
  }

  @Test
  void registryDependsOnNoOtherHandlerPackageButCommon() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".registry..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            ROOT + ".copy..",
            ROOT + ".archive..",
            ROOT + ".auth..",
            ROOT + ".cfn..",
            ROOT + ".cli..")
        .check(classes);
  }

  @Test
  void awsDependsOnNoOtherHandlerPackageButCommon() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".aws..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            ROOT + ".copy..",
            ROOT + ".registry..",
            ROOT + ".archive..",
            ROOT + ".auth..",
            ROOT + ".cleanup..",
            ROOT + ".tls..",
            ROOT + ".cfn..",
            ROOT + ".cli..")
        .check(classes);
  }

  @Test
  void onlyTheAwsPackageSignsRequestsAndNoSdkServiceClientIsUsed() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".aws..")
        .and()
        .resideInAPackage(ROOT + "..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("software.amazon.awssdk.http.auth..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage(ROOT + "..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("software.amazon.awssdk.services..")
        .check(classes);
  }

  @Test
  void commonIsALeaf() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".common..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            ROOT + ".copy..",
            ROOT + ".registry..",
            ROOT + ".archive..",
            ROOT + ".auth..",
            ROOT + ".aws..",
            ROOT + ".cfn..",
            ROOT + ".cli..")
        .check(classes);
  }

  @Test
  void theEngineKnowsNothingOfItsFrontEnds() {
    noClasses()
        .that()
        .resideInAnyPackage(
            ROOT + ".copy..",
            ROOT + ".registry..",
            ROOT + ".archive..",
            ROOT + ".auth..",
            ROOT + ".aws..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ROOT + ".cfn..", ROOT + ".cli..")
        .check(classes);
  }

  @Test
  void onlyTheAuthenticatorTouchesJibCore() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(ROOT + ".registry.JibAuthenticator")
        .and()
        .doNotHaveFullyQualifiedName(ROOT + ".registry.JibAuthenticator$AuthorizationField")
        .and()
        .resideInAPackage(ROOT + "..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.google.cloud.tools.jib..")
        .check(classes);
  }

  @Test
  void theHandlerNeverImportsCdk() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("software.amazon.awscdk..", "software.constructs..")
        .check(classes);
  }

  /**
   * JSON goes through {@code common.Json}: building an ObjectMapper costs a cold start about half a
   * second at a 512 MB Lambda's CPU share (bench/README.md).
   */
  @Test
  void noHandlerClassBuildsAnObjectMapper() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + "..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("com.fasterxml.jackson.databind.ObjectMapper")
        .check(classes);
  }
}
