using System.Runtime.CompilerServices;

namespace RingIpc;

/// <summary>How the per-message methods are compiled.</summary>
/// <remarks>
/// Tiered compilation first runs a method unoptimized (no inlining), and a ring's hot path is many small methods
/// (the record walker, the shared words): measured, a consumer process spent most of a 5-million-message run in
/// that first tier, several times slower per message. <see cref="Optimized"/> (<c>AggressiveOptimization</c>)
/// compiles the per-message entry points fully optimized on first use, inlining the small helpers marked
/// <c>AggressiveInlining</c>. .NET Framework and Mono do not tier and ignore the flag.
/// </remarks>
internal static class HotPath
{
    /// <summary><c>MethodImplOptions.AggressiveOptimization</c> (512), which .NET Framework's enum lacks.</summary>
    public const MethodImplOptions Optimized = (MethodImplOptions)512;

    /// <summary>Runs the static initializer of <see cref="CrashPoints"/> (whether a test armed a crash point) before any
    /// per-message method is compiled. An <see cref="Optimized"/> method is compiled at its first call, once, and the JIT
    /// reads a static readonly field of an initialized class as a constant: the untaken crash-point branches (four per
    /// write) then vanish, where a class not yet initialized leaves a load and an initialization check at every use.
    /// Each endpoint's constructor calls this, before the endpoint's first message. (The other static a write reads,
    /// <see cref="FenceMode.ProducerTakesPart"/>, is initialized by the producer's constructor itself.)</summary>
    public static void InitializeStatics() => RuntimeHelpers.RunClassConstructor(typeof(CrashPoints).TypeHandle);
}
