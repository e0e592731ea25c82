"""Figures and maps with Chinese (or English) text, drawn offline with matplotlib.

``plots``        the figures of the reports (``notebooks/reports``)
``exploration``  the figures of the exploration notebooks (``notebooks/explore``)
``maps``         a community's map and the zone's, with life circles, scale bar and north arrow
``palette``      one colour per community brand, facility markers
``fonts``        the Chinese-capable font every figure uses

They share one style (``_style``): fonts, figure creation, unit names and colours. Every
function takes its data first and options as keywords, draws on ``ax`` when one is given,
returns ``(fig, ax)`` and never calls ``plt.show()``.
"""

from __future__ import annotations

from . import exploration as exploration
from . import fonts as fonts
from . import maps as maps
from . import palette as palette
from . import plots as plots
