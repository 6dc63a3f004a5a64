namespace CapOS.Fuzzer;

/// <summary>SplitMix64 (Steele, Lea, Flood 2014), as the launcher's harness uses: the fuzzers' only randomness, seeded from the seed key.</summary>
public static class SplitMix64
{
    /// <summary>Advances <paramref name="state"/> and returns the next output.</summary>
    public static ulong Next(ref ulong state)
    {
        state += 0x9E37_79B9_7F4A_7C15;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return z ^ (z >> 31);
    }

    /// <summary>A number in 0..<paramref name="bound"/>-1.</summary>
    public static uint Below(ref ulong state, uint bound) => (uint)(Next(ref state) % bound);
}
