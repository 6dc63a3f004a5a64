using System;

namespace CapOS.Harness;

/// <summary>
/// A small seeded generator (SplitMix64, Steele, Lea and Flood, OOPSLA 2014) whose sequence is fixed by this
/// code, not by the runtime's <see cref="Random"/>: the power-loss campaign's cut instants and crash images
/// must be the same for a seed on every machine and .NET version (docs/plug.md, "Reproducibility").
/// </summary>
public sealed class SplitMix64
{
    private ulong _state;

    /// <summary>Starts the sequence at <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed)
    {
        _state = seed;
    }

    /// <summary>An independent stream for (seed, cycle, purpose): the same triple gives the same sequence.</summary>
    public static SplitMix64 For(ulong seed, int cycle, int purpose)
    {
        var mixer = new SplitMix64(seed);
        ulong a = mixer.Next() ^ (ulong)cycle * 0xD1B54A32D192ED03UL;
        ulong b = new SplitMix64(a).Next() ^ (ulong)purpose * 0x8CB92BA72F3D8DD7UL;
        return new SplitMix64(new SplitMix64(b).Next());
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>); <paramref name="bound"/> must be positive.</summary>
    public int Below(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        // Lemire's multiply-shift with rejection: no modulo bias.
        ulong limit = (ulong)bound;
        ulong threshold = (0UL - limit) % limit;
        while (true)
        {
            UInt128 product = (UInt128)Next() * limit;
            if ((ulong)product >= threshold)
            {
                return (int)(ulong)(product >> 64);
            }
        }
    }

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>] (inclusive).</summary>
    public int Between(int low, int high)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(high, low);
        return low + Below(high - low + 1);
    }

    /// <summary>True with probability <paramref name="numerator"/>/<paramref name="denominator"/>.</summary>
    public bool Chance(int numerator, int denominator) => Below(denominator) < numerator;
}
