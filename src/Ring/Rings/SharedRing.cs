using System;
using System.IO;
using RingIpc.Rings;
using RingIpc.Signaling;

namespace RingIpc;

/// <summary>
/// A ring buffer of variable-length messages in a named shared section, mapped into this process.
/// Write with a <see cref="RingProducer"/>, read with a <see cref="RingConsumer"/>.
/// </summary>
/// <remarks>
/// A ring is <see cref="RingKind.Spsc"/> (one producer) or <see cref="RingKind.Mpsc"/> (many producers,
/// threads or processes); it always has one consumer. Its capacity is a power of two from 4 KiB to 1 GiB;
/// the longest message is <see cref="MaxMessageLength"/> = capacity / 8 − 8 bytes. The section outlives
/// this object: call <see cref="Delete"/> when no process needs the ring any more.
/// </remarks>
public sealed unsafe class SharedRing : IDisposable
{
    private readonly SharedSection _section;

    private SharedRing(SharedSection section, RingKind kind, int capacity, SectionAccess access)
    {
        _section = section;
        Kind = kind;
        Capacity = capacity;
        Access = access;
        MaxMessageLength = RecordLayout.MaxMessageLength(capacity);
        Header = section.Pointer;
        Data = Header + RingHeaderLayout.HeaderSize;
        Signals = new RingSignals(section.Name, Header);
    }

    /// <summary>The ring's name.</summary>
    public string Name => _section.Name;

    /// <summary>One producer or many.</summary>
    public RingKind Kind { get; }

    /// <summary>Bytes in the data area.</summary>
    public int Capacity { get; }

    /// <summary>The longest message, in bytes: capacity / 8 − 8.</summary>
    public int MaxMessageLength { get; }

    /// <summary>Whether this instance created the ring (as opposed to opening an existing one).</summary>
    public bool Created => _section.Created;

    internal bool IsDisposed => _section.IsDisposed;

    /// <summary>Who may open the ring's files (from the header's flags).</summary>
    internal SectionAccess Access { get; }

    internal RingSignals Signals { get; }

    internal SharedSection Section => _section;

    internal byte* Header { get; }

    internal byte* Data { get; }

    /// <summary>Creates a new ring. Other processes can open it only once it is fully initialized.</summary>
    /// <param name="name">1 to 100 characters of <c>[A-Za-z0-9._-]</c>, not starting with '.'.</param>
    /// <param name="options">Kind, capacity and access; <c>null</c> for the defaults (SPSC, 1 MiB, owner only).</param>
    /// <exception cref="ArgumentException">Invalid name, or a capacity that is not a power of two from 4 KiB to 1 GiB.</exception>
    /// <exception cref="IOException">A section with that name already exists.</exception>
    public static SharedRing Create(string name, RingOptions? options = null)
    {
        options = ValidateOptions(options);
        SharedSection section = SharedSection.Create(name, RingHeader.SectionLength(options.Capacity), options.Access, Initializer(options));
        return new SharedRing(section, options.Kind, options.Capacity, options.Access);
    }

    /// <summary>Opens an existing ring and validates its header.</summary>
    /// <param name="name">The ring's name.</param>
    /// <exception cref="FileNotFoundException">There is no ring with that name.</exception>
    /// <exception cref="RingFormatException">The section is not a valid ring (the message names the field).</exception>
    public static SharedRing Open(string name) => Attach(SharedSection.Open(name, RingHeader.ValidateSectionLength));

    /// <summary>Opens the ring if it exists, else creates it. Of several processes racing to create it,
    /// exactly one initializes it.</summary>
    /// <param name="name">The ring's name.</param>
    /// <param name="options">Used to create the ring; an existing ring must have the same kind and capacity.</param>
    /// <exception cref="InvalidOperationException">The existing ring has another kind or capacity.</exception>
    public static SharedRing OpenOrCreate(string name, RingOptions? options = null)
    {
        options = ValidateOptions(options);
        SharedSection section = SharedSection.OpenOrCreate(name, RingHeader.SectionLength(options.Capacity), options.Access,
            Initializer(options), RingHeader.ValidateSectionLength);
        SharedRing ring = section.Created ? new SharedRing(section, options.Kind, options.Capacity, options.Access) : Attach(section);
        if (ring.Kind != options.Kind || ring.Capacity != options.Capacity)
        {
            ring.Dispose();
            throw new InvalidOperationException(
                $"Ring '{name}' exists as {ring.Kind} with capacity {ring.Capacity}; {options.Kind} with capacity {options.Capacity} was asked for.");
        }

        return ring;
    }

    /// <summary>Deletes the ring's name; processes that have it open keep working on it.</summary>
    /// <returns><c>true</c> if a ring was deleted; <c>false</c> if there was none (always on Windows, where the
    /// ring disappears with the last process that has it open).</returns>
    public static bool Delete(string name) => SharedSection.Delete(name);

    /// <summary>Attaches a producer. Any number of producers may write to an MPSC ring at once; an SPSC ring
    /// has one producer at a time (the role is held until the producer is disposed or its process exits).</summary>
    /// <param name="waitStrategy">How blocking writes wait for space; <c>null</c> for <see cref="WaitStrategy.Default"/>.</param>
    /// <exception cref="RingRoleException">The ring is SPSC and another producer holds the role.</exception>
    public RingProducer CreateProducer(WaitStrategy? waitStrategy = null)
    {
        ThrowIfDisposed();
        RoleLock? role = Kind == RingKind.Spsc ? RoleLock.Take(this, "producer", RingHeaderLayout.ProducerPidOffset) : null;
        try
        {
            return new RingProducer(this, waitStrategy ?? WaitStrategy.Default, role);
        }
        catch
        {
            role?.Dispose();
            throw;
        }
    }

    /// <summary>Attaches the consumer. A ring has one consumer at a time: the role is held until the consumer
    /// is disposed or its process exits (or dies).</summary>
    /// <param name="waitStrategy">How blocking reads wait for data; <c>null</c> for <see cref="WaitStrategy.Default"/>.</param>
    /// <exception cref="RingRoleException">Another consumer holds the role; the message names its pid.</exception>
    public RingConsumer CreateConsumer(WaitStrategy? waitStrategy = null)
    {
        ThrowIfDisposed();
        RoleLock role = RoleLock.Take(this, "consumer", RingHeaderLayout.ConsumerPidOffset);
        try
        {
            return new RingConsumer(this, waitStrategy ?? WaitStrategy.Default, role);
        }
        catch
        {
            role.Dispose();
            throw;
        }
    }

    /// <summary>Unmaps the ring; its producers and consumers become unusable. The ring itself stays until deleted.</summary>
    public void Dispose()
    {
        if (!_section.IsDisposed)
        {
            Signals.Dispose();
            _section.Dispose();
        }
    }

    internal void ThrowIfDisposed()
    {
        if (_section.IsDisposed)
        {
            throw new ObjectDisposedException(nameof(SharedRing), $"Ring '{Name}' was disposed.");
        }
    }

    private static SharedRing Attach(SharedSection section)
    {
        try
        {
            (RingKind kind, int capacity, SectionAccess access) = RingHeader.Validate(section.Pointer, section.Length);
            return new SharedRing(section, kind, capacity, access);
        }
        catch
        {
            section.Dispose();
            throw;
        }
    }

    private static RingOptions ValidateOptions(RingOptions? options)
    {
        options ??= new RingOptions();
        if (options.Kind != RingKind.Spsc && options.Kind != RingKind.Mpsc)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Kind must be RingKind.Spsc or RingKind.Mpsc.");
        }

        RingHeader.ValidateCapacityArgument(options.Capacity);
        return options;
    }

    private static Action<Sections.SectionMapping> Initializer(RingOptions options) =>
        mapping => RingHeader.Initialize(mapping.Pointer, options.Kind, options.Capacity, options.Access);
}
