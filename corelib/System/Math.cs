namespace System;

/// <summary>The integer Min/Max overloads of System.Math.</summary>
public static class Math
{
    public static byte Min(byte val1, byte val2) => val1 <= val2 ? val1 : val2;

    public static ushort Min(ushort val1, ushort val2) => val1 <= val2 ? val1 : val2;

    public static short Min(short val1, short val2) => val1 <= val2 ? val1 : val2;

    public static int Min(int val1, int val2) => val1 <= val2 ? val1 : val2;

    public static uint Min(uint val1, uint val2) => val1 <= val2 ? val1 : val2;

    public static long Min(long val1, long val2) => val1 <= val2 ? val1 : val2;

    public static ulong Min(ulong val1, ulong val2) => val1 <= val2 ? val1 : val2;

    public static nint Min(nint val1, nint val2) => val1 <= val2 ? val1 : val2;

    public static nuint Min(nuint val1, nuint val2) => val1 <= val2 ? val1 : val2;

    public static byte Max(byte val1, byte val2) => val1 >= val2 ? val1 : val2;

    public static ushort Max(ushort val1, ushort val2) => val1 >= val2 ? val1 : val2;

    public static short Max(short val1, short val2) => val1 >= val2 ? val1 : val2;

    public static int Max(int val1, int val2) => val1 >= val2 ? val1 : val2;

    public static uint Max(uint val1, uint val2) => val1 >= val2 ? val1 : val2;

    public static long Max(long val1, long val2) => val1 >= val2 ? val1 : val2;

    public static ulong Max(ulong val1, ulong val2) => val1 >= val2 ? val1 : val2;

    public static nint Max(nint val1, nint val2) => val1 >= val2 ? val1 : val2;

    public static nuint Max(nuint val1, nuint val2) => val1 >= val2 ? val1 : val2;
}
