using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.Invocation;
using Xunit;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>SyscallAbi.Read writes the arguments word by word: every register lands in its field, every byte is written.</summary>
public sealed unsafe class SyscallAbiTests
{
    [Fact]
    public void ReadDecodesEveryRegisterIntoItsFieldAndWritesEveryByte()
    {
        RegisterAnnex registers = default;
        registers.Rdi = 0xFFFF_FFFF_FFFF_0207; // key register 7, type 2 (Send); the upper bits are not the invocation's
        registers.Rax = 0xDEAD_BEEF_7FFF_FF00; // the order is eax
        registers.Rsi = 0x1111;
        registers.Rdx = 0x2222;
        registers.R10 = 0x3333;
        registers.R8 = 0x4444;
        registers.R9 = 0x5555;
        registers.R12 = 0x6666;
        registers.R13 = 0xFFFF_FFFF_0403_0201; // send key registers 1..4; the upper half ignored
        registers.R14 = 0xFFFF_FFFF_1F1E_1D00;
        registers.R15 = 0x7777;
        registers.Rbx = 0x8888;
        InvocationArguments arguments;
        byte* bytes = (byte*)&arguments;
        for (int i = 0; i < sizeof(InvocationArguments); i++)
        {
            bytes[i] = 0xCC; // garbage a zeroing-free Read must overwrite
        }

        SyscallAbi.Read(&registers, &arguments);
        Assert.Equal(
            "7 Send 7fffff00 1111 2222 3333 4444 5555 6666 1 2 3 4 | 0 29 30 31 | 7777 8888",
            $"{arguments.KeyRegister} {arguments.Type} {arguments.Order:x} {arguments.W0:x} {arguments.W1:x} {arguments.W2:x} {arguments.W3:x} " +
            $"{arguments.StringAddress:x} {arguments.StringLength:x} {arguments.SendKeys[0]} {arguments.SendKeys[1]} {arguments.SendKeys[2]} " +
            $"{arguments.SendKeys[3]} | {arguments.ReceiveKeys[0]} {arguments.ReceiveKeys[1]} {arguments.ReceiveKeys[2]} {arguments.ReceiveKeys[3]} | " +
            $"{arguments.ReceiveAddress:x} {arguments.ReceiveCapacity:x}");
        Assert.Equal(0, bytes[2] | bytes[3]); // the padding after the type: zero, as the zeroing Read left it
    }
}
