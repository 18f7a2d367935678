package zookit.peer;

/** A payload class of the kind Curator's examples use (InstanceDetails). */
public class Details {
  private String zone;
  private int weight;

  public Details() {}

  public Details(String zone, int weight) {
    this.zone = zone;
    this.weight = weight;
  }

  public String getZone() { return zone; }
  public void setZone(String zone) { this.zone = zone; }
  public int getWeight() { return weight; }
  public void setWeight(int weight) { this.weight = weight; }
}
