"""The engines behind :mod:`linli.io`, one module per kind of file, and what they share.

``cells``      the raw table and the step every engine ends with: cells → a frame of the
               contract's columns (headers matched, title rows skipped)
``delimited``  CSV and other delimited text: encodings detected, separators found
``xlsx``       Excel workbooks: every sheet that names the table, formula cells
``geo``        GeoJSON, GeoPackage, Shapefile: CRS checked, reprojected to WGS84
``points``     a spreadsheet of points: 经度/纬度 columns, GCJ-02 and BD-09 converted to WGS84
``yamlfile``   the YAML files a user writes, read safely

Private: read tables through :func:`linli.io.read_table` and YAML through
:func:`linli.io.read_yaml`.
"""
