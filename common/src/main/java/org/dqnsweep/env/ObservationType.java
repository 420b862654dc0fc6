package org.dqnsweep.env;

/** How an observation's bytes encode numbers: screens are uint8 pixels, low-dimensional states float32 (LE). */
public enum ObservationType {
  UINT8(1),
  FLOAT32(4);

  public final int bytes;

  ObservationType(int bytes) {
    this.bytes = bytes;
  }
}
