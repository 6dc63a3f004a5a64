namespace CapOS.Runtime;

/// <summary>Benchmark samples (TSC ticks) in a caller's array: sorted in place, then read by rank.</summary>
public static unsafe class Samples
{
    /// <summary>Insertion sort, ascending (a few million steps for 2048 samples; run after the measured pass).</summary>
    public static void Sort(ulong* values, ulong count)
    {
        for (ulong i = 1; i < count; i++)
        {
            ulong value = values[i];
            ulong j = i;
            while (j > 0 && values[j - 1] > value)
            {
                values[j] = values[j - 1];
                j--;
            }

            values[j] = value;
        }
    }
}
