import java.io.File;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a POM against what Maven Central requires of a published artifact and against what this
 * project promises of its flattened POM. Run by scripts/release-check as {@code java
 * scripts/ReleasePomCheck.java POM}; prints one line and exits 1 on the first problem.
 *
 * <p>Central's requirements: https://central.sonatype.org/publish/requirements/ (coordinates, name,
 * description, url, licenses, developers, scm).
 */
public final class ReleasePomCheck {
  private ReleasePomCheck() {}

  public static void main(String[] args) throws Exception {
    File pom = new File(args[0]);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    Element project = f.newDocumentBuilder().parse(pom).getDocumentElement();
    List<String> problems = new ArrayList<>();
    for (String required : List.of("groupId", "artifactId", "version", "name", "description", "url")) {
      if (text(child(project, required)).isEmpty()) {
        problems.add("has no <" + required + ">");
      }
    }
    Element licenses = child(project, "licenses");
    if (licenses == null || children(licenses, "license").isEmpty()) {
      problems.add("has no <licenses><license>");
    } else {
      for (Element l : children(licenses, "license")) {
        if (text(child(l, "name")).isEmpty() || text(child(l, "url")).isEmpty()) {
          problems.add("has a <license> without <name> and <url>");
        }
      }
    }
    Element developers = child(project, "developers");
    if (developers == null || children(developers, "developer").isEmpty()) {
      problems.add("has no <developers><developer>");
    } else {
      for (Element d : children(developers, "developer")) {
        if (text(child(d, "name")).isEmpty()) {
          problems.add("has a <developer> without <name>");
        }
      }
    }
    Element scm = child(project, "scm");
    if (scm == null || text(child(scm, "url")).isEmpty() || text(child(scm, "connection")).isEmpty()) {
      problems.add("has no <scm> with <url> and <connection>");
    }
    // Flattened: users' builds see no parent, no build-only settings.
    for (String absent : List.of("parent", "properties", "dependencyManagement", "build", "profiles")) {
      if (child(project, absent) != null) {
        problems.add("still has <" + absent + "> (the flattened POM must not)");
      }
    }
    Element deps = child(project, "dependencies");
    if (deps != null) {
      for (Element d : children(deps, "dependency")) {
        String id = text(child(d, "groupId")) + ":" + text(child(d, "artifactId"));
        if ("test".equals(text(child(d, "scope")))) {
          problems.add("has the test-scope dependency " + id);
        }
        if (text(child(d, "version")).isEmpty() || text(child(d, "version")).contains("${")) {
          problems.add("has the dependency " + id + " without a literal version");
        }
      }
    }
    if (!problems.isEmpty()) {
      System.out.println(pom.getName() + " " + String.join("; ", problems));
      System.exit(1);
    }
    System.out.println(pom.getName() + ": ok");
  }

  private static Element child(Element parent, String name) {
    List<Element> c = children(parent, name);
    return c.isEmpty() ? null : c.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(e.getLocalName())) {
        out.add(e);
      }
    }
    return out;
  }

  private static String text(Element e) {
    return e == null ? "" : e.getTextContent().trim();
  }
}
