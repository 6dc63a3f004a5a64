namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The number key: 96 bits of data. Its one order reads them (EROS number key "value"); KT is answered by
/// <see cref="KernelKeys"/>. The null invocation of the benchmarks is KT on a number key.
/// </summary>
public static unsafe class NumberKey
{
    /// <summary>Replies W0 = word0 | word1 &lt;&lt; 32, W1 = word2.</summary>
    public const uint Value = 1;

    public static DispatchOutcome Invoke(Invocation* invocation)
    {
        if (invocation->Arguments.Order != Value)
        {
            return invocation->Answer(InvocationResult.UnknownOrder);
        }

        invocation->Reply.W1 = invocation->Key->Word(2);
        return invocation->Answer(invocation->Key->Word(0) | ((ulong)invocation->Key->Word(1) << 32));
    }
}
