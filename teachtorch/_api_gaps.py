"""What a learner meets when a PyTorch name is not in teachtorch.

``torch.foo`` that teachtorch lacks raises PyTorch's own AttributeError wording
("module 'teachtorch' has no attribute 'foo'") and then a hint: that teachtorch does
not have it, why (a part of PyTorch this course leaves out), and what to use instead.
``tools/api_audit.py`` uses the same rules to sort every public PyTorch name into
implemented / missing / out of scope (``tests/api_coverage.json``).
"""
import difflib
import re

from teachtorch._errors import hint

# (pattern, reason) tried in order; the first match says why a name is out of scope.
OUT_OF_SCOPE = [
    ((r"quantiz|^q_|^qint|^quint|^qscheme|^per_channel|^per_tensor|fake_quant|"
      r"^int_repr$|^dequantize$|^Q\w*Storage$|qparams|^fbgemm|^ao$|^qat$|"
      r"^intrinsic$|^quantized$|^quantizable$|^is_quantized$"),
     "quantized tensors (int8 inference) are not part of teachtorch"),
    ((r"sparse|^smm$|^spmm$|^hspmm$|^dsmm$|^sspaddmm$|^saddmm$|crow_indices|"
      r"ccol_indices|col_indices|row_indices|^indices|^values(_copy)?$|coalesce|"
      r"^to_dense$|^dense_dim$|^to_mkldnn$|^segment_reduce$|^layout$|^strided$|"
      r"^SparseAdam$|^EmbeddingBag$|^embedding_bag$"),
     "sparse tensors and layouts are not part of teachtorch: tensors are dense"),
    ((r"complex|^cfloat$|^cdouble$|^chalf$|conj|^real$|^imag$|^angle$|^polar$|"
      r"^isreal$|view_as_real|^is_neg$|resolve_neg|^mH$|^adjoint$"),
     "complex numbers are not part of teachtorch: dtypes are real"),
    ((r"^jit$|^[Ss]cript|Graph|^Node$|^Block$|^Value$|^Use$|Type$|^compile$|"
      r"^compiler$|^fx$|^export$|_ir(_|$)|^FileCheck$|^CompilationUnit$|^Code$|"
      r"ConcreteModule|^Argument|^FunctionSchema$|^parse_|^AliasDb$|"
      r"^ErrorReport$|^ExecutionPlan$|^Gradient$|^IODescriptor$|^TracingState$|"
      r"^StaticModule$|^LiteScriptModule$|^CallStack$|^Capsule$|"
      r"^DeepCopyMemoTable$|^merge_type|^unify_type|^classes$|^library$|^Tag$|"
      r"^Dispatch|^ExcludeDispatch|^PRIVATE_OPS$|^OperatorInfo$|^vmap$|^func$|"
      r"^cond$|^while_loop$|^Sym|^sym_|^overrides$|^package$|^Aggregation|^AVG$|"
      r"^SUM$|^Benchmark|^Throughput|Logger|^PyTorchFile|"
      r"SerializationStorageContext|^Future$|^fork$|^wait$|^futures$|"
      r"TorchFunction|^monitor$|^classproperty$|^as_subclass$|"
      r"^handle_torch_function$|^has_torch_function|^boolean_dispatch$|"
      r"^BroadcastingList|^assert_int_or_pair$|^is_tensor_like$|^forward_ad$|"
      r"^functional$|^NestedIOFunction$|_notes$|^dim_order$|^hash_tensor$|"
      r"^module_load$|^AnyType$|^NoneType$|^Type$|^TensorType$|^DeviceObjType$"),
     ("TorchScript, torch.compile and dispatcher internals are not part of "
      "teachtorch")),
    ((r"[dD]istributed|^rpc|RRef|^SyncBatchNorm$|^is_shared$|^share_memory_$|"
      r"^multiprocessing$"),
     "distributed and multi-process training are not part of teachtorch"),
    (r"^fft$|stft$|^signal$|_window$|^windows$",
     "signal processing (FFT, windows) is not part of teachtorch"),
    (r"autocast|^amp$|GradScaler|matmul_precision|^set_flush_denormal$",
     "mixed precision (autocast, GradScaler) is not part of teachtorch"),
    ((r"^cudnn|^miopen|^mkldnn|^native_|^mps$|^xpu$|^mtia$|^ipu$|^is_ipu$|xla|"
      r"maia|vulkan|^accelerator$|^backends$|^Stream$|^Event$|^is_mps$|^is_xpu$|"
      r"^is_mtia$|^is_meta$|^is_mkldnn$|AcceleratorError|OutOfMemoryError|"
      r"get_device_module|^record_stream$|^has_(lapack|mkl|openmp|spectral)$|"
      r"^compiled_with|^cpp$|^version$|^torch_version$|^get_file_path$|"
      r"^prepare_multiprocessing|^USE_|profiler|^init_num_threads$|"
      r"num_interop_threads|^StreamObjType$|^is_distributed$|^convolution$|"
      r"^conv_tbc$|^constant_pad_nd$|^thread_safe_generator$|^grouped_mm$|"
      r"^scaled_(grouped_)?mm$|ScalingType|SwizzleType|^DType$|^kineto|"
      r"^DeviceType$"),
     "backend kernels and device internals are not part of teachtorch"),
    (r"(?<!index)_copy$|_scatter$|^slice_inverse$|^alias|^unsafe_",
     ("functionalization variants (x_copy, x_scatter, unsafe_) are compiler "
      "internals")),
    (r"^float8|^float4|^uint[1-7]$|^int[1-7]$|^bits|^uint(16|32|64)$",
     ("these dtypes have only partial support in PyTorch itself; teachtorch skips"
      " them")),
    (r"nested|jagged|to_padded_tensor",
     ("nested (ragged) tensors are not part of teachtorch; pad with "
      "nn.utils.rnn.pad_sequence")),
    (r"^names?$|^refine_names$|^align_(to|as)$|^rename_?$",
     "named tensors (a prototype in PyTorch) are not part of teachtorch"),
    (r"^hub$|^download",
     "nothing downloads in teachtorch: see assets/DATA.md"),
    ((r"^datapipes$|DataPipe|^DataChunk$|^functional_datapipe$|"
      r"^graph(_settings)?$|runtime_validation|^argument_validation$|"
      r"^guaranteed_datapipes|^non_deterministic$"),
     "DataPipes (deprecated in PyTorch) are not part of teachtorch"),
    (r"^Lazy",
     ("lazy modules (shape inferred on first call) are not part of teachtorch; "
      "give the sizes")),
    (r"(?<!atleast_)3d$|^Conv3d$|3d_with_indices$",
     ("3-D (volumetric) layers are not part of teachtorch; the course works in "
      "1-D and 2-D")),
    ((r"^cholesky|^eig$|^symeig$|^lstsq$|^lu(_solve|_unpack)?$|^qr$|^svd$|"
      r"^solve$|^triangular_solve$|^pinverse$|^matrix_rank$|^nuclear_norm$|"
      r"^matrix_exp$"),
     ("matrix decompositions (qr, svd, eig, lu, cholesky, solve) are not part of "
      "teachtorch; use numpy.linalg on t.detach().numpy()")),
    ((r"^batch_norm|^instance_norm$|^embedding(_renorm_)?$|^rnn_(relu|tanh)|"
      r"^lstm|^gru|^grid_sampler|^affine_grid_generator$|^norm_except_dim$|"
      r"^frobenius_norm$|^(binary_cross_entropy_with_logits|"
      r"cosine_embedding_loss|hinge_embedding_loss|kl_div|margin_ranking_loss|"
      r"poisson_nll_loss|triplet_margin_loss)$"),
     ("a low-level aten entry point with its own argument order; use the "
      "torch.nn.functional form (or the nn module) instead")),
    (r"format$|^channels_last|^memory_format$",
     ("memory formats (channels_last) are not part of teachtorch: tensors are "
      "row-major")),
    (r"Storage(Base)?$|^storage_type$|^is_storage$",
     ("the legacy typed storage classes are not part of teachtorch; use "
      "tensor.untyped_storage()")),
    ((r"dlpack|^frombuffer$|^from_file$|^set_$|^is_set_to$|^resize$|^volatile$|"
      r"^reinforce$|^output_nr$|^grad_dtype$|^const_data_ptr$|"
      r"^new_empty_strided$|^as_strided_$|^empty_strided$|^empty_permuted$|"
      r"^pin_memory$|^is_pinned$|^register_post_accumulate_grad_hook$|"
      r"^nonzero_static$|^BufferDict$|^ModuleDict$|^ParameterDict$|^FatalError$|"
      r"^JITException$|^types$|^bit$|^CompleteArgumentSpec$|"
      r"^enforce_grad_layout_policy$|multithreading|view_replay|^anomaly_mode$|"
      r"^common_types$|^factory_kwargs$|^grad$|^UninitializedBuffer$|"
      r"^Container$|^GRID_SAMPLE_"),
     "low-level memory, interop and internal helpers are not part of teachtorch"),
    ((r"^i0_?$|^igammac?_?$|^polygamma_?$|^mvlgamma_?$|^special$|^nextafter_?$|"
      r"^frexp$|^ldexp_?$|^lobpcg$|^pca_lowrank$|^svd_lowrank$|^geqrf$|^orgqr$|"
      r"^ormqr$|^quasirandom$|^distributions$|^testing$|^masked$|^ctc_loss$|"
      r"^CTCLoss$|^Adafactor$|^Muon$|^AdaptiveLogSoftmaxWithLoss$|"
      r"^linear_cross_entropy$|^LinearCrossEntropy|^CrossMapLRN2d$|"
      r"[Ff]ractional|^swap_in_optimizer|^multi_head_attention_forward$|^hsmm$|"
      r"^cpu$|StorageContext|^histogramdd$"),
     "specialised; outside what the course and classic tutorials use"),
]
_COMPILED = [(re.compile(p), reason) for p, reason in OUT_OF_SCOPE]

# torchvision parts outside the course: why, by name pattern (checked first for
# torchvision names)
TORCHVISION_OUT = [
    (r"^(detection|segmentation|video|optical_flow|quantization)$",
     "detection / segmentation / video model zoos are not part of teachtorch"),
    ((r"^(Coco|VOC|Cityscapes|SBDataset|WIDERFace|Kitti|HMDB51|Kinetics|UCF101|"
      r"MovingMNIST)"),
     "detection, segmentation and video datasets are not part of teachtorch"),
    ((r"^(regnet|RegNet|vit_|Vision|swin|Swin|maxvit|MaxVit|convnext|ConvNeXt|"
      r"efficientnet|EfficientNet|mnasnet|MNASNet|shufflenet|ShuffleNet|"
      r"mobilenet|MobileNet|densenet|DenseNet|resnext|wide_resnet|get_model|"
      r"get_weight|list_models)"),
     ("model zoo beyond the classic CNNs the course builds (no pretrained "
      "weights)")),
    ((r"AutoAugment|RandAugment|TrivialAugment|AugMix|ElasticTransform|"
      r"Posterize|Solarize|Sharpness|Autocontrast|Equalize|Invert|"
      r"LinearTransformation"),
     "automatic / photometric augmentation policies are not part of teachtorch"),
    ((r"^(Caltech|CelebA|Country211|DTD|EuroSAT|FER2013|FGVCAircraft|Flickr|"
      r"Flowers102|Food101|GTSRB|INaturalist|ImageNet|Imagenette|LFW|LSUN|"
      r"Omniglot|OxfordIIITPet|PCAM|PhotoTour|Places365|RenderedSST2|SBU|"
      r"SEMEION|SUN397|StanfordCars)"),
     ("large photo datasets are not shipped; put the images in folders and use "
      "ImageFolder")),
    (r"^draw_|flow_to_image|wrap_dataset",
     ("drawing boxes / masks / flow belongs to detection work, not part of "
      "teachtorch")),
]
_COMPILED_VISION = [(re.compile(p), reason) for p, reason in TORCHVISION_OUT]

# what to use instead, for names a learner may well type (keyed "namespace.name")
USE_INSTEAD = {
    "torch.set_default_device": "teachtorch runs on the CPU unless you call .cuda(); "
                                "move tensors with .to(device)",
    "torch.compile": "run the model as it is; teachtorch has no compiler",
    "torch.fft": "use numpy.fft on t.numpy()",
    "torch.linalg": "use numpy.linalg on t.detach().numpy()",
    "torch.Tensor.pin_memory": "not needed without a GPU; leave it out",
    "torch.nn.Transformer": "build one from nn.MultiheadAttention, nn.Linear and "
                            "nn.LayerNorm",
}


def reason(name, namespace="torch"):
    """Why a PyTorch name is out of scope, or None if it is simply missing."""
    rules = _COMPILED_VISION + _COMPILED if namespace.startswith("torchvision") else \
        _COMPILED
    for pattern, why in rules:
        if pattern.search(name):
            return why
    return None


def missing_hint(namespace, name, available=()):
    """The hint line for a name teachtorch does not have."""
    qual = f"{namespace}.{name}"
    why = "; ".join(w for w in (reason(name, namespace), USE_INSTEAD.get(qual)) if w)
    close = difflib.get_close_matches(name, [a for a in available
                                             if not a.startswith("_")], n=3)
    text = f"{qual} is not in teachtorch"
    if why:
        return f"{text}: {why}."
    if close:
        text += f". Did you mean: {', '.join(close)}?"
    return (text + " If PyTorch has it, build it from the ops teachtorch has, or use "
            "NumPy on t.detach().numpy().")


def module_attribute_error(module_name, namespace, name, available):
    """AttributeError for a missing module attribute, PyTorch's wording + hint."""
    message = f"module '{module_name}' has no attribute '{name}'"
    if name.startswith("__"):
        return AttributeError(message)
    return AttributeError(hint(message, missing_hint(namespace, name, available)))


def module_getattr(module_name, namespace):
    """A module-level __getattr__ that raises module_attribute_error."""
    import sys

    def __getattr__(name):
        raise module_attribute_error(module_name, namespace, name,
                                     dir(sys.modules[module_name]))
    return __getattr__


def tensor_attribute_error(obj, name):
    """AttributeError for a missing Tensor attribute, PyTorch's wording + hint."""
    cls = obj if isinstance(obj, type) else type(obj)
    message = f"'{cls.__name__}' object has no attribute '{name}'"
    if name.startswith("_"):
        return AttributeError(message)
    from teachtorch._tensor_absent import ABSENT

    absent = set(ABSENT)
    available = [n for n in dir(cls) if n not in absent]
    return AttributeError(hint(message, missing_hint("torch.Tensor", name, available)))
