using System;

namespace RingIpc;

/// <summary>The identity of a service contract as both sides of a call check it when a client connects: the
/// interface's full name and a fingerprint of every method (its id, parameter and result types).</summary>
/// <remarks>The generator emits one per <see cref="SharedServiceAttribute">[SharedService]</see> interface
/// (<c>{Name}Contract.Instance</c>); write one by hand only for a hand-written <see cref="ICallDispatcher"/>.</remarks>
public sealed class CallContract
{
    /// <summary>Creates a contract identity.</summary>
    /// <param name="name">The contract's name (the generator uses the interface's full name).</param>
    /// <param name="fingerprint">A 64-bit fingerprint that changes whenever a method changes.</param>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public CallContract(string name, ulong fingerprint)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("A contract needs a name.", nameof(name));
        }

        Name = name;
        Fingerprint = fingerprint;
    }

    /// <summary>The contract's name.</summary>
    public string Name { get; }

    /// <summary>The contract's fingerprint.</summary>
    public ulong Fingerprint { get; }

    /// <summary>Mixes <paramref name="value"/> into a fingerprint (FNV-1a over its 8 little-endian bytes): the
    /// generated contracts fold the layout fingerprint of every <c>[SharedLayout]</c> struct they carry into theirs.</summary>
    public static ulong Combine(ulong fingerprint, ulong value)
    {
        for (int i = 0; i < 8; i++)
        {
            fingerprint ^= (byte)(value >> (8 * i));
            fingerprint *= 0x100000001B3UL;
        }

        return fingerprint;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({CallContractMismatchException.Hex(Fingerprint)})";
}
